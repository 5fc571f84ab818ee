// @vitest-environment node
/**
 * The emulator runs on developers' machines: a page they visit must not drive or read it, and
 * only the host names it serves reach it.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SPA_CLIENT_ID } from './defaults'
import { createEmulator } from './emulator'
import {
  isServedHost,
  loadOrCreateCertificate,
  type RunningEmulator,
  startEmulator,
} from './server'

const OWN = 'https://login.test'
const SPA = 'http://localhost:5173'
const emulator = createEmulator({
  clients: [{ clientId: DEFAULT_SPA_CLIENT_ID, redirectUris: [`${SPA}/redirect.html`] }],
})
const alice = emulator.users[0]?.username ?? ''

function admin(
  name: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return emulator.handle(new Request(`${OWN}/admin/${name}`, { method: 'POST', ...init }))
}
const revoked = () => emulator.admin.events().filter((e) => e.type === 'revokeSessions')

describe('admin operations over HTTP', () => {
  it('refuse a cross-site form-style POST and change nothing', async () => {
    emulator.admin.reset()
    const response = await admin('revoke-sessions', {
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ username: alice }),
    })
    expect(response.status).toBe(403)
    expect(((await response.json()) as { error: string }).error).toBe('forbidden_origin')
    expect(revoked()).toEqual([])
  })

  it('refuse a cross-site request that carries no Origin header', async () => {
    const response = await admin('events', {
      method: 'GET',
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    expect(response.status).toBe(403)
  })

  it('refuse a body that is not declared application/json, even from an allowed origin', async () => {
    emulator.admin.reset()
    const response = await admin('revoke-sessions', {
      headers: { origin: SPA, 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ username: alice }),
    })
    expect(response.status).toBe(415)
    expect(revoked()).toEqual([])
  })

  it.each([
    ['the emulator own pages', { origin: OWN, 'sec-fetch-site': 'same-origin' }],
    ['a registered SPA origin', { origin: SPA, 'sec-fetch-site': 'cross-site' }],
    ['a non-browser client', {}],
  ])('accept %s', async (_, headers) => {
    emulator.admin.reset()
    const response = await admin('revoke-sessions', {
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ username: alice }),
    })
    expect(response.status).toBe(200)
    expect(revoked()).toHaveLength(1)
  })

  it('accept a POST without a body (no content type needed)', async () => {
    expect((await admin('leave-trusted-location', { headers: { origin: SPA } })).status).toBe(200)
  })

  it('let only admin callers read answers through CORS', async () => {
    const read = (origin: string) =>
      admin('api-requests', { method: 'GET', headers: { origin } }).then((r) => ({
        status: r.status,
        allowed: r.headers.get('access-control-allow-origin'),
      }))
    expect(await read(SPA)).toEqual({ status: 200, allowed: SPA })
    // Another loopback origin may call the token endpoint and the API, not read the admin log.
    expect(await read('http://localhost:9999')).toEqual({ status: 403, allowed: null })
  })

  it('say the username is required when revoke-sessions has no body', async () => {
    const response = await admin('revoke-sessions')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: 'ERR_EMULATOR_INVALID_ARGUMENT',
      message: '"username" is required',
    })
  })
})

it('sends Cross-Origin-Opener-Policy: same-origin with the sign-in page, like Entra', async () => {
  const url = new URL(`${OWN}/${emulator.tenantId}/oauth2/v2.0/authorize`)
  url.search = new URLSearchParams({
    client_id: DEFAULT_SPA_CLIENT_ID,
    response_type: 'code',
    redirect_uri: `${SPA}/redirect.html`,
    scope: 'openid',
    code_challenge: 'x'.repeat(43),
    code_challenge_method: 'S256',
  }).toString()
  const response = await emulator.handle(new Request(url))
  expect(await response.text()).toContain('login-username')
  expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin')
})

describe('startEmulator', () => {
  let idp: RunningEmulator
  beforeAll(async () => {
    idp = await startEmulator({ port: 0 })
  })
  afterAll(() => idp?.close())

  const statusFor = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: idp.port,
          path: '/',
          ca: idp.caCertPem,
          servername: 'localhost',
          headers: { host },
        },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.on('error', reject)
      req.end()
    })

  it('answers only the host names it serves', async () => {
    expect(await statusFor(`localhost:${idp.port}`)).toBe(200)
    expect(await statusFor(`127.0.0.1:${idp.port}`)).toBe(200)
    expect(await statusFor(`[::1]:${idp.port}`)).toBe(200)
    // A DNS-rebinding name (resolving to 127.0.0.1) would otherwise become the issuer.
    expect(await statusFor(`rebind.evil.example:${idp.port}`)).toBe(421)
    expect(await statusFor(`localhost:${idp.port + 1}`)).toBe(421)
    expect(await statusFor(`localhost:${idp.port}@evil.example`)).toBe(421)
  })

  it('isServedHost matches name and port exactly', () => {
    expect(isServedHost('LOCALHOST:8443', 8443)).toBe(true)
    expect(isServedHost('localhost', 8443)).toBe(false)
    expect(isServedHost('localhost.:8443', 8443)).toBe(false)
  })
})

it('writes a regenerated key.pem with mode 0600 even over a 0644 file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cae-key-'))
  try {
    await writeFile(join(dir, 'key.pem'), 'not a key', { mode: 0o644 })
    await writeFile(join(dir, 'cert.pem'), 'not a certificate')
    const pair = await loadOrCreateCertificate(dir)
    expect(pair.created).toBe(true)
    expect((await stat(join(dir, 'key.pem'))).mode & 0o777).toBe(0o600)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
