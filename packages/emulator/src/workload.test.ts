// @vitest-environment node
/** Workload identity events besides disabled: service principal deleted, high risk (Graph). */
import { expect, it } from 'vitest'
import { BASE, tokenRequest, useEmulator } from '../test/kit'

const emulator = useEmulator()
const DAEMON = 'dae00000-0000-4000-8000-000000000002'

function appToken(claims = '{"access_token":{"xms_cc":{"values":["CP1"]}}}') {
  return tokenRequest(emulator, {
    client_id: DAEMON,
    client_secret: 'daemon-secret',
    grant_type: 'client_credentials',
    scope: emulator.apiScopes.app,
    claims,
  })
}

async function tokenOf(response: Response) {
  return ((await response.json()) as { access_token: string }).access_token
}

const call = (token: string) =>
  fetch(`${BASE}/api/messages`, { headers: { authorization: `Bearer ${token}` } })

it('challenges the CP1 tokens of a deleted service principal; /token no longer knows the app', async () => {
  const token = await tokenOf(await appToken())
  emulator.admin.deleteServicePrincipal(DAEMON)
  const challenged = await call(token)
  expect(challenged.status).toBe(401)
  expect(emulator.admin.apiRequests().at(-1)?.cause).toBe('ServicePrincipalDeleted')
  const refused = await appToken()
  expect(refused.status).toBe(400)
  expect(await refused.json()).toMatchObject({
    error: 'unauthorized_client',
    error_codes: [700016],
  })
})

it('challenges the CP1 tokens of a high-risk service principal; client credentials are blocked', async () => {
  const token = await tokenOf(await appToken())
  const plain = await tokenOf(await appToken(''))
  emulator.admin.raiseServicePrincipalRisk(DAEMON)
  expect((await call(token)).status).toBe(401)
  expect(emulator.admin.apiRequests().at(-1)?.cause).toBe('ServicePrincipalRiskHigh')
  expect((await call(plain)).status).toBe(200) // not a CAE token: it lives out its hour
  expect(await (await appToken()).json()).toMatchObject({
    error: 'invalid_grant',
    error_codes: [53003],
    suberror: 'message_only',
  })
})

it('refuses an unknown client with a coded TypeError', () => {
  for (const raise of [
    () => emulator.admin.deleteServicePrincipal('nope'),
    () => emulator.admin.raiseServicePrincipalRisk('nope'),
  ]) {
    expect(raise).toThrow(expect.objectContaining({ code: 'ERR_EMULATOR_UNKNOWN_CLIENT' }))
  }
})
