// @vitest-environment node
import { ConfidentialClientApplication } from '@azure/msal-node'
import { decodeProtectedHeader } from 'jose'
import { expect, it } from 'vitest'
import { api, BASE, useEmulator } from '../test/kit'
import { DEFAULT_DAEMON_CLIENT_ID, DEFAULT_DAEMON_CLIENT_SECRET } from './defaults'
import { createEmulator } from './emulator'
import { emulatorHandlers } from './msw'

const emulator = useEmulator()

it('serves discovery whose issuer and endpoints follow the request origin', async () => {
  const response = await fetch(`${BASE}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`)
  expect(await response.json()).toMatchObject({
    issuer: `${BASE}/${emulator.tenantId}/v2.0`,
    authorization_endpoint: `${BASE}/${emulator.tenantId}/oauth2/v2.0/authorize`,
    token_endpoint: `${BASE}/${emulator.tenantId}/oauth2/v2.0/token`,
    end_session_endpoint: `${BASE}/${emulator.tenantId}/oauth2/v2.0/logout`,
    jwks_uri: `${BASE}/${emulator.tenantId}/discovery/v2.0/keys`,
  })
  const common = await (await fetch(`${BASE}/common/v2.0/.well-known/openid-configuration`)).json()
  expect(common).toMatchObject({ issuer: `${BASE}/{tenantid}/v2.0` })
  const other = await emulator.handle(
    new Request(`https://idp.example:9443/contoso.test/v2.0/.well-known/openid-configuration`),
  )
  expect(await other.json()).toMatchObject({
    token_endpoint: 'https://idp.example:9443/contoso.test/oauth2/v2.0/token',
  })
})

it('answers instance discovery and rejects unknown tenants', async () => {
  const discovery = await fetch(
    `${BASE}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${BASE}/${emulator.tenantId}/oauth2/v2.0/authorize`)}`,
  )
  expect(await discovery.json()).toMatchObject({
    tenant_discovery_endpoint: `${BASE}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`,
    metadata: [{ aliases: ['login.test'] }],
  })
  const unknown = await fetch(`${BASE}/other-tenant/v2.0/.well-known/openid-configuration`)
  expect(unknown.status).toBe(400)
  expect(await unknown.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] })
})

it('lets unmodified msal-node get a token through msw, signed by a key of the JWKS', async () => {
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: DEFAULT_DAEMON_CLIENT_ID,
      clientSecret: DEFAULT_DAEMON_CLIENT_SECRET,
      authority: `${BASE}/${emulator.tenantId}`,
      knownAuthorities: ['login.test'],
      clientCapabilities: ['CP1'],
    },
  })
  const result = await app.acquireTokenByClientCredential({ scopes: [emulator.apiScopes.app] })
  const token = result?.accessToken ?? ''
  const keys = (await (await fetch(`${BASE}/${emulator.tenantId}/discovery/v2.0/keys`)).json()) as {
    keys: Array<{ kid: string; alg: string }>
  }
  expect(keys.keys.map((k) => [k.kid, k.alg])).toEqual([
    [decodeProtectedHeader(token).kid, 'RS256'],
  ])
  expect((await api('/messages', token)).status).toBe(200)
})

it('answers CORS preflights for loopback origins with the requested headers', async () => {
  const preflight = await fetch(`${BASE}/api/messages`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  })
  expect(preflight.status).toBe(204)
  expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
  expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type')
  expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
  const foreign = await fetch(`${BASE}/api/messages`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.test', 'access-control-request-method': 'GET' },
  })
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
})

it('exposes WWW-Authenticate to the browser on API and token responses', async () => {
  const response = await api('/me', undefined, { headers: { origin: 'http://127.0.0.1:3000' } })
  expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000')
  expect(response.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate')
  const token = await fetch(`${BASE}/${emulator.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { origin: 'http://localhost:3000' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'x' }),
  })
  expect(token.headers.get('access-control-allow-origin')).toBe('http://localhost:3000')
})

it('refuses a base URL with a path', () => {
  expect(() => emulatorHandlers(createEmulator(), { baseUrl: 'https://login.test/idp' })).toThrow(
    expect.objectContaining({ code: 'ERR_EMULATOR_INVALID_ARGUMENT' }),
  )
})
