// @vitest-environment node
/** Kiota's own RetryHandler and RedirectHandler keep working in front of the middleware. */
import { expect, it } from 'vitest'
import { call, kiotaAdapter, traffic, useEmulator } from './support'

const { emulator, fetch, route } = useEmulator()

it('leaves a 429 to RetryHandler: retried with the same token, no challenge, no token request', async () => {
  const idp = emulator()
  const { adapter, events } = kiotaAdapter(idp, fetch)
  await call(adapter, 'GET', '/messages')
  const seen = traffic(idp)
  let throttled = 0
  route((url) => {
    if (url.pathname !== '/api/messages' || throttled > 0) return undefined
    throttled++
    return new Response('{"error":{"code":"TooManyRequests","message":"slow down"}}', {
      status: 429,
      headers: { 'retry-after': '0', 'content-type': 'application/json' },
    })
  })

  const messages = (await call(adapter, 'GET', '/messages')) as { value: unknown[] }

  expect(messages.value).toHaveLength(1)
  expect(throttled).toBe(1)
  expect(seen().tokenRequests).toHaveLength(0)
  expect(seen().apiRequests.map((r) => r.status)).toEqual([200])
  expect(events.filter((e) => e.type === 'challenge')).toHaveLength(0)
})

it('sends no token to a redirect target outside the resource', async () => {
  const idp = emulator()
  const { adapter } = kiotaAdapter(idp, fetch)
  const seenElsewhere: (string | null)[] = []
  route((url, init) => {
    if (url.pathname === '/api/download') {
      return new Response(null, { status: 302, headers: { location: 'https://files.test/blob' } })
    }
    if (url.origin !== 'https://files.test') return undefined
    seenElsewhere.push(new Headers(init?.headers).get('authorization'))
    return new Response('{"downloaded":true}', { status: 200 })
  })

  const result = await call(adapter, 'GET', '/download')

  expect(result).toEqual({ downloaded: true })
  expect(seenElsewhere).toEqual([null])
})

it('sends the token to a redirect target inside the resource', async () => {
  const idp = emulator()
  const { adapter } = kiotaAdapter(idp, fetch)
  route((url) =>
    url.pathname === '/api/old-messages'
      ? new Response(null, { status: 301, headers: { location: `${idp.apiUrl}/messages` } })
      : undefined,
  )

  const messages = (await call(adapter, 'GET', '/old-messages')) as { value: unknown[] }

  expect(messages.value).toHaveLength(1)
  expect(idp.admin.apiRequests().map((r) => [r.path, r.status])).toEqual([['/messages', 200]])
})
