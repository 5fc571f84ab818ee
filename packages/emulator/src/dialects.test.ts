// @vitest-environment node
/**
 * Each resource dialect answers a CAE event and a location change with the header and body
 * captured from the real resource (sources in the README's fidelity table).
 */
import { describe, expect, it } from 'vitest'
import { decodeJwt } from '../test/helpers'
import { ALICE, api, BASE, spaSignIn, useEmulator } from '../test/kit'
import { API_APP_ID } from './defaults'
import { GRAPH_APP_ID } from './dialects'
import { createEmulator } from './emulator'
import type { EmulatorOptions } from './types'

const b64 = (text: string) => Buffer.from(text).toString('base64')
const unpadded = (text: string) => b64(text).replace(/=+$/, '')
const secondsOf = (ms: number) => Math.floor(ms / 1000)

async function challenged(emulator: ReturnType<typeof useEmulator>, raise: () => void) {
  const tokens = await spaSignIn(emulator)
  raise()
  const response = await api('/me', tokens.access_token)
  expect(response.status).toBe(401)
  return {
    tokens,
    header: response.headers.get('www-authenticate'),
    body: (await response.json()) as { error: { code: string; message: string } },
    record: emulator.admin.apiRequests().at(-1),
  }
}

describe('graph (default)', () => {
  const emulator = useEmulator()

  it('sends the recorded header for a revocation, the cause in the body', async () => {
    let at = 0
    const { header, body, record } = await challenged(emulator, () => {
      at = emulator.admin.revokeSessions(ALICE.username).at
    })
    const claims = `{"access_token":{"nbf":{"essential":true, "value":"${secondsOf(at)}"}}}`
    expect(header).toBe(
      `Bearer realm="", authorization_uri="${BASE}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}", error="insufficient_claims", claims="${b64(claims)}"`,
    )
    expect(body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message:
        'Continuous access evaluation resulted in claims challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
    })
    expect(record).toMatchObject({ variant: 'recorded', claims })
  })

  it('switches to the unquoted-uri and PoP captures on demand', async () => {
    emulator.admin.useVariants({ challenge: 'unquoted-uri' })
    const unquoted = await challenged(emulator, () => emulator.admin.revokeSessions(ALICE.username))
    expect(unquoted.header).toMatch(
      new RegExp(
        `^Bearer realm="", authorization_uri=${BASE}/common/oauth2/authorize, client_id="${GRAPH_APP_ID}", error="insufficient_claims", claims="[A-Za-z0-9+/]+=*", errorDescription="[^"]+TokenIssuedBeforeRevocationTimestamp"$`,
      ),
    )
    emulator.admin.useVariants({ challenge: 'pop' })
    const pop = await challenged(emulator, () => emulator.admin.revokeSessions(ALICE.username))
    expect(pop.header).toMatch(
      /^PoP realm="", authorization_uri="[^"]+", client_id="[^"]+", nonce="[^"]+", Bearer realm="", authorization_uri="[^"]+", client_id="[^"]+", error_description="[^"]+", error="insufficient_claims", claims="[^"]+"$/,
    )
    expect(pop.record?.variant).toBe('pop')
  })

  it('sends invalid_token with xms_rp_ipaddr for a location change, insufficient_claims as a variant', async () => {
    const first = await challenged(emulator, () => emulator.admin.leaveTrustedLocation())
    expect(first.header).toContain(
      'error="invalid_token", error_description="Tenant IP Policy validate failed.", claims=',
    )
    emulator.admin.useVariants({ graphLocation: 'insufficient_claims' })
    const second = await challenged(emulator, () => emulator.admin.leaveTrustedLocation())
    expect(second.header).toContain('error="insufficient_claims", claims=')
    expect(JSON.parse(second.record?.claims ?? '{}').access_token.xms_rp_ipaddr).toBeDefined()
  })

  it('draws the variant from the seed, so the same seed replays the same headers', async () => {
    const draws = async (seed: number) => {
      const local = createEmulator({ seed, variants: { challenge: 'random' } })
      const token = await appToken(local)
      const variants: string[] = []
      for (let i = 0; i < 8; i++) {
        local.admin.disableServicePrincipal('dae00000-0000-4000-8000-000000000002')
        await local.handle(
          new Request(`${BASE}/api/messages`, { headers: { authorization: `Bearer ${token}` } }),
        )
        variants.push(local.admin.apiRequests().at(-1)?.variant ?? '')
      }
      return variants
    }
    const once = await draws(42)
    expect(await draws(42)).toEqual(once)
    expect(new Set(once).size).toBeGreaterThan(1)
  })
})

describe('arm', () => {
  const emulator = useEmulator({ resource: 'arm' })

  it('sends invalid_token without realm or client_id, padded claims for a revoked session', async () => {
    let at = 0
    const { header, body } = await challenged(emulator, () => {
      at = emulator.admin.revokeSessions(ALICE.username).at
    })
    const claims = `{"access_token":{"nbf":{"essential":true, "value":"${secondsOf(at)}"}}}`
    expect(header).toBe(
      `Bearer authorization_uri="${BASE}/", error="invalid_token", error_description="User session has been revoked", claims="${b64(claims)}"`,
    )
    expect(body.error.code).toBe('AuthenticationFailed')
  })

  it('sends the IP policy challenge with unpadded claims', async () => {
    let event = { at: 0, ipAddress: '' }
    const { header } = await challenged(emulator, () => {
      event = emulator.admin.leaveTrustedLocation() as typeof event
    })
    const claims = `{"access_token":{"nbf":{"essential":true,"value":"${secondsOf(event.at)}"},"xms_rp_ipaddr":{"value":"${event.ipAddress}"}}}`
    expect(header).toBe(
      `Bearer authorization_uri="${BASE}/", error="invalid_token", error_description="Tenant IP Policy validate failed.", claims="${unpadded(claims)}"`,
    )
  })

  it('answers a missing token with its invalid_token form', async () => {
    const response = await api('/me')
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer authorization_uri="${BASE}/", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
    )
  })

  it('gives app tokens no CAE: one hour, never challenged (workload identities are Graph only)', async () => {
    const local = createEmulator({ resource: 'arm' })
    const token = await appToken(local)
    const payload = decodeJwt(token)
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600)
    local.admin.leaveTrustedLocation()
    const response = await local.handle(
      new Request(`${BASE}/api/messages`, { headers: { authorization: `Bearer ${token}` } }),
    )
    expect(response.status).toBe(200)
  })
})

describe('keyvault', () => {
  const emulator = useEmulator({ resource: 'keyvault' })

  it('sends insufficient_claims without client_id, xms_caeerror in the claims', async () => {
    let at = 0
    const { header, body } = await challenged(emulator, () => {
      at = emulator.admin.disableUser(ALICE.username).at
    })
    const claims = `{"access_token":{"nbf":{"essential":true,"value":"${secondsOf(at)}"},"xms_caeerror":{"value":"10012"}}}`
    expect(header).toBe(
      `Bearer realm="", authorization_uri="${BASE}/common/oauth2/authorize", error="insufficient_claims", claims="${b64(claims)}"`,
    )
    expect(body.error.code).toBe('Unauthorized')
  })

  it('answers a missing token with authorization and resource', async () => {
    const response = await api('/me')
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer authorization="${BASE}/${emulator.tenantId}", resource="api://cae-emulator"`,
    )
  })

  it('words an auth-context challenge as the developer guide does, cc_type included', async () => {
    const { header, record } = await challenged(emulator, () =>
      emulator.admin.requireAuthContext('/me', 'c3'),
    )
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c3"}}}'
    expect(header).toBe(
      `Bearer realm="", authorization_uri="${BASE}/common/oauth2/authorize", client_id="${API_APP_ID}", error="insufficient_claims", claims="${b64(claims)}", cc_type="authcontext"`,
    )
    expect(record?.cause).toBe('AuthenticationContextRequired')
  })
})

it('refuses an unknown resource dialect or seed with a coded TypeError', () => {
  for (const options of [{ resource: 'storage' }, { seed: -1 }, { seed: 1.5 }]) {
    expect(() => createEmulator(options as EmulatorOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_EMULATOR_INVALID_ARGUMENT' }),
    )
  }
})

/** A CP1 client-credentials token straight from an in-memory emulator. */
async function appToken(emulator: ReturnType<typeof createEmulator>): Promise<string> {
  const response = await emulator.handle(
    new Request(`${BASE}/${emulator.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: 'dae00000-0000-4000-8000-000000000002',
        client_secret: 'daemon-secret',
        grant_type: 'client_credentials',
        scope: emulator.apiScopes.app,
        claims: '{"access_token":{"xms_cc":{"values":["CP1"]}}}',
      }),
    }),
  )
  return ((await response.json()) as { access_token: string }).access_token
}
