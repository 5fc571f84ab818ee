// @vitest-environment node
import { ConfidentialClientApplication } from '@azure/msal-node'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateClientCertificate, type RunningEmulator, startEmulator } from '../src/server'

const CLIENT = 'ce570000-0000-4000-8000-0000000000c9'
let idp: RunningEmulator
let certificate: Awaited<ReturnType<typeof generateClientCertificate>>

beforeAll(async () => {
  certificate = await generateClientCertificate()
  idp = await startEmulator({ clients: [{ clientId: CLIENT, certificates: [certificate.cert] }] })
})
afterAll(async () => {
  await idp.close()
})

function app(authority: string, credential: 'certificate' | 'secret') {
  const base =
    credential === 'certificate'
      ? idp.msalNodeConfig({ clientId: CLIENT, clientCertificate: certificate })
      : idp.msalNodeConfig()
  return new ConfidentialClientApplication({ ...base, auth: { ...base.auth, authority } })
}

it('gives a secret client a token with the tenant domain authority', async () => {
  const result = await app(`${idp.url}/contoso.test`, 'secret').acquireTokenByClientCredential({
    scopes: [idp.apiScopes.app],
  })
  expect(result?.accessToken).toBeTruthy()
})

it('gives a certificate client a token with the tenant id authority', async () => {
  const result = await app(idp.authority, 'certificate').acquireTokenByClientCredential({
    scopes: [idp.apiScopes.app],
  })
  expect(result?.accessToken).toBeTruthy()
})

it('accepts a certificate client whose authority names the tenant by its domain', async () => {
  const result = await app(`${idp.url}/contoso.test`, 'certificate').acquireTokenByClientCredential(
    { scopes: [idp.apiScopes.app] },
  )
  expect(result?.accessToken).toBeTruthy()
})
