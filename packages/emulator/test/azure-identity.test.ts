// @vitest-environment node
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { DEFAULT_DAEMON_CLIENT_ID, DEFAULT_DAEMON_CLIENT_SECRET } from '../src/index'
import { generateClientCertificate, type RunningEmulator, startEmulator } from '../src/server'
import { decodeJwt } from './helpers'

// @azure/identity 4.13.1 is the last release that runs on Node 20 (4.13.2 and later need Node 22).

const CERTIFICATE_CLIENT_ID = 'ce470000-0000-4000-8000-0000000000c1'
let idp: RunningEmulator
let certificate: Awaited<ReturnType<typeof generateClientCertificate>>

beforeAll(async () => {
  certificate = await generateClientCertificate('identity-test')
  idp = await startEmulator({
    port: 0,
    clients: [{ clientId: CERTIFICATE_CLIENT_ID, certificates: [certificate.cert] }],
  })
})
afterAll(async () => {
  await idp.close()
})
beforeEach(() => {
  idp.admin.reset()
})

it('returns the authority host, no instance discovery and an agent that trusts the certificate', () => {
  const options = idp.azureIdentityOptions()
  expect(options.authorityHost).toBe(idp.url)
  expect(options.disableInstanceDiscovery).toBe(true)
  expect(options.agent.options.ca).toBe(idp.caCertPem)
})

it('lets a ClientSecretCredential get a CAE token the API accepts, claims included', async () => {
  const credential = new ClientSecretCredential(
    idp.tenantId,
    DEFAULT_DAEMON_CLIENT_ID,
    DEFAULT_DAEMON_CLIENT_SECRET,
    idp.azureIdentityOptions(),
  )
  const first = await credential.getToken(idp.apiScopes.app, { enableCae: true })
  // @azure/identity declares the capability in lower case; Entra (and the emulator) ignore case.
  expect(decodeJwt(first.token)).toMatchObject({ azp: DEFAULT_DAEMON_CLIENT_ID, xms_cc: ['cp1'] })
  const response = await idp.fetch(`${idp.apiUrl}/messages`, {
    headers: { authorization: `Bearer ${first.token}` },
  })
  expect(response.status).toBe(200)

  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}'
  await credential.getToken(idp.apiScopes.app, { enableCae: true, claims })
  const sent = idp.admin.tokenRequests().map((record) => record.claims)
  expect(sent).toHaveLength(2)
  expect(JSON.parse(sent[1] ?? '{}')).toMatchObject({
    access_token: { nbf: { essential: true, value: '1' }, xms_cc: { values: ['cp1'] } },
  })
})

it('lets a ClientCertificateCredential authenticate with a registered certificate', async () => {
  const credential = new ClientCertificateCredential(
    idp.tenantId,
    CERTIFICATE_CLIENT_ID,
    { certificate: `${certificate.cert}\n${certificate.key}` },
    idp.azureIdentityOptions(),
  )
  const token = await credential.getToken(idp.apiScopes.app, { enableCae: true })
  expect(decodeJwt(token.token)).toMatchObject({ azp: CERTIFICATE_CLIENT_ID })
  expect(idp.admin.tokenRequests()).toMatchObject([{ ok: true, clientAuth: 'certificate' }])
})
