// @vitest-environment node
/** graph-client's own RetryHandler and RedirectHandler keep working behind the middleware. */
import { ResponseType } from '@microsoft/microsoft-graph-client'
import { expect, it } from 'vitest'
import { graphClient, traffic, useEmulator } from './support'

const { emulator, route } = useEmulator()

it('leaves a 429 to RetryHandler: retried with the same token, no challenge, no token request', async () => {
  const idp = emulator()
  const { client, events } = graphClient(idp)
  await client.api('/messages').get()
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

  const messages = await client.api('/messages').get()

  expect(messages.value).toHaveLength(1)
  expect(throttled).toBe(1)
  expect(seen().tokenRequests).toHaveLength(0)
  expect(seen().apiRequests.map((r) => r.status)).toEqual([200])
  expect(events.filter((e) => e.type === 'challenge')).toHaveLength(0)
})

it('drops the token on a redirect out of the resource to another host (RedirectHandler)', async () => {
  const idp = emulator()
  const { client } = graphClient(idp)
  const seenElsewhere: (string | null)[] = []
  route((url, init) => {
    if (url.pathname === '/api/download') {
      return new Response(null, { status: 302, headers: { location: 'https://files.test/blob' } })
    }
    if (url.origin !== 'https://files.test') return undefined
    seenElsewhere.push(new Headers(init?.headers).get('authorization'))
    return new Response('file content', { status: 200 })
  })

  const content = await client.api('/download').responseType(ResponseType.TEXT).get()

  expect(content).toBe('file content')
  expect(seenElsewhere).toEqual([null])
})

it('keeps the token on a redirect inside the resource', async () => {
  const idp = emulator()
  const { client } = graphClient(idp)
  route((url) =>
    url.pathname === '/api/old-messages'
      ? new Response(null, { status: 301, headers: { location: `${idp.apiUrl}/messages` } })
      : undefined,
  )

  const messages = await client.api('/old-messages').get()

  expect(messages.value[0].from).toBe('system')
  expect(idp.admin.apiRequests().map((r) => [r.path, r.status])).toEqual([['/messages', 200]])
})

it('does not answer a challenge from a host outside the resource after a redirect', async () => {
  const idp = emulator()
  const { client, events } = graphClient(idp)
  route((url) => {
    if (url.pathname === '/api/elsewhere') {
      return new Response(null, { status: 302, headers: { location: 'https://other.test/x' } })
    }
    if (url.origin !== 'https://other.test') return undefined
    return new Response('{"error":{"code":"InvalidAuthenticationToken","message":"no"}}', {
      status: 401,
      headers: {
        'content-type': 'application/json',
        'www-authenticate': `Bearer error="insufficient_claims", claims="${btoa('{"access_token":{"nbf":{"essential":true,"value":"1"}}}')}"`,
      },
    })
  })

  const error = await client
    .api('/elsewhere')
    .get()
    .catch((caught: unknown) => caught)

  expect((error as { statusCode: number }).statusCode).toBe(401)
  expect(events.filter((e) => e.type === 'challenge')).toHaveLength(0)
})
