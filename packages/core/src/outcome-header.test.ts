import { expect, it } from 'vitest'
import { CAE_OUTCOME_HEADER, markUnsatisfied } from './outcome-header'

it('marks a 401 with the outcome header and keeps its status, headers, url and body', async () => {
  const response = new Response('{"error":{"code":"InvalidAuthenticationToken"}}', {
    status: 401,
    statusText: 'Unauthorized',
    headers: { 'www-authenticate': 'Bearer error="insufficient_claims", claims="e30="' },
  })
  Object.defineProperty(response, 'url', { value: 'https://graph.microsoft.com/v1.0/me' })

  const marked = markUnsatisfied(response)

  expect(marked.headers.get(CAE_OUTCOME_HEADER)).toBe('ERR_CAE_CHALLENGE_AFTER_REPLAY')
  expect(marked.headers.get('www-authenticate')).toContain('insufficient_claims')
  expect([marked.status, marked.statusText, marked.url]).toEqual([
    401,
    'Unauthorized',
    'https://graph.microsoft.com/v1.0/me',
  ])
  expect(await marked.json()).toEqual({ error: { code: 'InvalidAuthenticationToken' } })
  expect(response.headers.has(CAE_OUTCOME_HEADER)).toBe(false)
})
