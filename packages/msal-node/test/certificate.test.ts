// @vitest-environment node
import { ConfidentialClientApplication } from '@azure/msal-node'
import { createCaeFetch } from '@cae-kit/core'
import { generateClientCertificate } from '@cae-kit/emulator'
import { expect, it } from 'vitest'
import { fromMsalNode } from '../src/index'
import { useEmulator } from './helpers'

const certificate = await generateClientCertificate()
const clientId = 'ce570000-0000-4000-8000-0000000000d1'
const idp = useEmulator({ clients: [{ clientId, certificates: [certificate.cert] }] })

it('answers a challenge for a daemon that proves itself with a certificate', async () => {
  const cca = new ConfidentialClientApplication(
    idp().msalNodeConfig({ clientId, clientCertificate: certificate }),
  )
  const caeFetch = createCaeFetch({
    tokenProvider: fromMsalNode(cca, { flow: 'clientCredentials' }),
    resources: [{ url: idp().apiUrl, scopes: [idp().apiScopes.app] }],
    fetch: idp().fetch,
  })
  expect((await caeFetch(`${idp().apiUrl}/messages`)).status).toBe(200)
  idp().admin.leaveTrustedLocation()
  expect((await caeFetch(`${idp().apiUrl}/messages`)).status).toBe(200)
  expect(idp().admin.tokenRequests()).toEqual([
    expect.objectContaining({ clientId, ok: true, clientAuth: 'certificate' }),
    expect.objectContaining({
      clientId,
      ok: true,
      clientAuth: 'certificate',
      claims: expect.stringContaining('xms_rp_ipaddr'),
    }),
  ])
  expect(
    idp()
      .admin.apiRequests()
      .map((request) => request.status),
  ).toEqual([200, 401, 200])
})

it('fails with MSAL error invalid_client when the certificate is not the registered one', async () => {
  const other = await generateClientCertificate('someone else')
  const cca = new ConfidentialClientApplication(
    idp().msalNodeConfig({ clientId, clientCertificate: other }),
  )
  const provider = fromMsalNode(cca, { flow: 'clientCredentials' })
  await expect(provider.getToken({ scopes: [idp().apiScopes.app] })).rejects.toMatchObject({
    errorCode: 'invalid_client',
    errorMessage: expect.stringContaining('AADSTS700027'),
  })
})
