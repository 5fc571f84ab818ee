// @vitest-environment node
import { importPKCS8, SignJWT } from 'jose'
import { expect, it } from 'vitest'
import { decodeJwt } from '../test/helpers'
import { authority, tokenRequest, useEmulator } from '../test/kit'
import { generateClientCertificate } from './cert'
import { createEmulator } from './emulator'

const registered = await generateClientCertificate()
const unregistered = await generateClientCertificate('not registered')
const CLIENT = 'ce570000-0000-4000-8000-0000000000c1'
const emulator = useEmulator({ clients: [{ clientId: CLIENT, certificates: [registered.cert] }] })

const x5t = (hex: string) => Buffer.from(hex, 'hex').toString('base64url')

type AssertionOptions = {
  signer?: typeof registered
  alg?: 'PS256' | 'RS256'
  header?: Record<string, string>
  iss?: string
  aud?: string
  /** Seconds from now. */
  nbf?: number
  exp?: number
}

/** A client assertion as msal-node builds it (PS256, x5t#S256, 10 minutes), with overrides. */
async function assertion(options: AssertionOptions = {}): Promise<string> {
  const { signer = registered, alg = 'PS256' } = options
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({
      alg,
      ...(alg === 'PS256'
        ? { 'x5t#S256': x5t(signer.thumbprintSha256) }
        : { x5t: x5t(signer.thumbprint) }),
      ...options.header,
    })
    .setIssuer(options.iss ?? CLIENT)
    .setSubject(options.iss ?? CLIENT)
    .setAudience(options.aud ?? `${authority(emulator)}/oauth2/v2.0/token`)
    .setNotBefore(now + (options.nbf ?? 0))
    .setExpirationTime(now + (options.exp ?? 600))
    .sign(await importPKCS8(signer.key, alg))
}

const form = (clientAssertion: string, overrides: Record<string, string> = {}) => ({
  client_id: CLIENT,
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: clientAssertion,
  grant_type: 'client_credentials',
  scope: emulator.apiScopes.app,
  ...overrides,
})

async function outcome(body: Record<string, string>) {
  const response = await tokenRequest(emulator, body)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

it('issues an app token for an assertion signed like msal-node (PS256, x5t#S256), azpacr 2', async () => {
  const { status, body } = await outcome(form(await assertion()))
  expect(status).toBe(200)
  expect(decodeJwt(String(body.access_token))).toMatchObject({ azp: CLIENT, azpacr: '2' })
})

it('accepts RS256 with a SHA-1 x5t, an assertion without thumbprint, and the same one again', async () => {
  expect((await outcome(form(await assertion({ alg: 'RS256' })))).status).toBe(200)
  // Without a thumbprint in the header, the registered certificates are tried in turn.
  const signed = await new SignJWT(decodeJwt(await assertion()))
    .setProtectedHeader({ alg: 'PS256' })
    .sign(await importPKCS8(registered.key, 'PS256'))
  expect((await outcome(form(signed))).status).toBe(200)
  // msal-node reuses its assertion for 10 minutes: no jti replay check.
  expect((await outcome(form(signed))).status).toBe(200)
})

it.each([
  ['a certificate that is not registered', 700027, { signer: unregistered }],
  [
    'a signature by another key under the registered thumbprint',
    700027,
    { signer: unregistered, header: { 'x5t#S256': x5t(registered.thumbprintSha256) } },
  ],
  ['another client as issuer', 700021, { iss: 'dae00000-0000-4000-8000-000000000002' }],
  [
    'another audience',
    700023,
    { aud: 'https://login.microsoftonline.com/common/oauth2/v2.0/token' },
  ],
  ['an expired assertion', 700024, { nbf: -1200, exp: -900 }],
  ['an assertion valid only later', 700024, { nbf: 900, exp: 1500 }],
] as const)('refuses %s with AADSTS%i', async (_name, code, options) => {
  const { status, body } = await outcome(form(await assertion(options)))
  expect(status).toBe(401)
  expect(body).toMatchObject({ error: 'invalid_client', error_codes: [code] })
  expect(String(body.error_description)).toMatch(new RegExp(`^AADSTS${code}: `))
})

it.each([
  ['a malformed assertion', form('not.a.jwt'), 401, 'invalid_client', 50027],
  [
    'a wrong assertion type',
    form('x', { client_assertion_type: 'urn:example:password' }),
    400,
    'invalid_request',
    90014,
  ],
  [
    'a secret from a client with certificates only',
    { client_id: CLIENT, client_secret: 's', grant_type: 'client_credentials', scope: 'x' },
    401,
    'invalid_client',
    7000215,
  ],
  [
    'no credential from a client with certificates only',
    { client_id: CLIENT, grant_type: 'client_credentials', scope: 'x' },
    400,
    'invalid_client',
    7000218,
  ],
])('answers %s with an Entra-shaped error', async (_name, body, status, error, code) => {
  const result = await outcome(body)
  expect(result).toMatchObject({ status, body: { error, error_codes: [code] } })
})

it('lists the client as confidential with its certificate', () => {
  expect(emulator.clients.find((client) => client.clientId === CLIENT)).toMatchObject({
    kind: 'confidential',
    certificates: [registered.cert],
  })
})

it('refuses to register a certificate that is not one PEM certificate', () => {
  expect(() =>
    createEmulator({ clients: [{ clientId: CLIENT, certificates: [registered.key] }] }),
  ).toThrow(expect.objectContaining({ code: 'ERR_EMULATOR_INVALID_ARGUMENT' }))
})
