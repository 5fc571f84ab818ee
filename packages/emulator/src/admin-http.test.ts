// @vitest-environment node
import { expect, it } from 'vitest'
import { api, BASE, spaSignIn, useEmulator } from '../test/kit'

const emulator = useEmulator()

const post = (name: string, body?: unknown) =>
  fetch(`${BASE}/admin/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })

it('runs an admin operation from a browser origin and returns the event', async () => {
  const tokens = await spaSignIn(emulator)
  const response = await post('revoke-sessions', { username: 'Alice@Contoso.test' })
  expect(response.status).toBe(200)
  expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
  expect(await response.json()).toMatchObject({
    type: 'revokeSessions',
    username: 'alice@contoso.test',
  })
  expect((await api('/me', tokens.access_token)).status).toBe(401)
  const events = await (await fetch(`${BASE}/admin/events`)).json()
  expect(events).toEqual([expect.objectContaining({ type: 'revokeSessions' })])
})

it('maps every kebab-case operation to the admin API', async () => {
  const calls: Array<[string, unknown]> = [
    ['disable-user', { username: 'bob@contoso.test' }],
    ['reset-password', { username: 'alice@contoso.test', password: 'x' }],
    ['require-mfa', { username: 'alice@contoso.test' }],
    ['raise-user-risk', { username: 'alice@contoso.test' }],
    ['leave-trusted-location', undefined],
    ['require-auth-context', { pathPrefix: '/messages' }],
    ['disable-service-principal', { clientId: 'dae00000-0000-4000-8000-000000000002' }],
    ['fail-token-requests', { count: 1, status: 500 }],
    ['delay-token-requests', { count: 1, ms: 1 }],
    ['always-challenge', { enabled: true }],
  ]
  for (const [name, body] of calls) expect((await post(name, body)).status, name).toBe(200)
  expect(emulator.admin.events().map((e) => e.type)).toEqual([
    'disableUser',
    'resetPassword',
    'requireMfa',
    'raiseUserRisk',
    'leaveTrustedLocation',
    'requireAuthContext',
    'disableServicePrincipal',
    'failTokenRequests',
    'delayTokenRequests',
    'alwaysChallenge',
  ])
  expect(await (await post('token-requests')).json()).toEqual([])
  expect(await (await post('reset')).json()).toEqual({ ok: true })
  expect(emulator.admin.events()).toEqual([])
})

it('answers bad arguments with 400 and the error code, unknown operations with 404', async () => {
  const unknownUser = await post('disable-user', { username: 'nobody@contoso.test' })
  expect(unknownUser.status).toBe(400)
  expect(await unknownUser.json()).toMatchObject({ error: 'ERR_EMULATOR_UNKNOWN_USER' })
  const badContext = await post('require-auth-context', { pathPrefix: '/x', authContext: 'c100' })
  expect(await badContext.json()).toMatchObject({ error: 'ERR_EMULATOR_INVALID_ARGUMENT' })
  expect((await post('drop-tables')).status).toBe(404)
  expect((await fetch(`${BASE}/admin/reset`)).status).toBe(405)
})

it('throws coded TypeErrors from the programmatic admin', () => {
  expect(() => emulator.admin.revokeSessions('nobody')).toThrow(
    expect.objectContaining({ code: 'ERR_EMULATOR_UNKNOWN_USER' }),
  )
  expect(() => emulator.admin.disableServicePrincipal('nope')).toThrow(
    expect.objectContaining({ code: 'ERR_EMULATOR_UNKNOWN_CLIENT' }),
  )
  expect(() => emulator.admin.failTokenRequests(-1)).toThrow(TypeError)
})

it('restores seeds on reset: the old password works again and the user is enabled', async () => {
  emulator.admin.resetPassword('alice@contoso.test', 'other')
  emulator.admin.disableUser('alice@contoso.test')
  emulator.admin.reset()
  expect(emulator.users.find((u) => u.username === 'alice@contoso.test')?.password).toBe(
    'alice-password',
  )
  const tokens = await spaSignIn(emulator)
  expect((await api('/me', tokens.access_token)).status).toBe(200)
})
