// @vitest-environment node
/**
 * A client that left the allowed network (`leaveTrustedLocation({ enforcement: 'block' })`):
 * Entra refuses every token with AADSTS53003. Both adapters (`createCaeFetch`, axios
 * `attachCae`) over real msal-node must end the challenged call with one `ERR_CAE_ACCESS_BLOCKED`
 * (access blocked, not "sign in again") after one token request, and never loop; the silent
 * outcome (`leaveTrustedLocation()`) still recovers with a replay.
 */
import { Agent } from 'node:https'
import type { AccountInfo } from '@azure/msal-node'
import { attachCae } from '@cae-kit/axios'
import {
  AccessBlockedError,
  type CaeOptions,
  createCaeFetch,
  InteractionRequiredError,
} from '@cae-kit/core'
import {
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  DEFAULT_MIDDLE_TIER_CLIENT_ID,
  DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
  LOCATION_POLICY_ID,
  type RunningEmulator,
} from '@cae-kit/emulator'
import { fromMsalNode } from '@cae-kit/msal-node'
import axios from 'axios'
import { describe, expect, it } from 'vitest'
import {
  confidentialApp,
  rejectionOf,
  signIn,
  useEmulator,
} from '../../packages/msal-node/test/helpers'

const idp = useEmulator()

/** `GET <path>` through one adapter, resolving with the status. */
type Get = (path: string) => Promise<number>

/** The two adapters over the same cae-kit options. */
const ADAPTERS: Record<string, (idp: RunningEmulator, options: CaeOptions) => Get> = {
  createCaeFetch: (emulator, options) => {
    const caeFetch = createCaeFetch({ ...options, fetch: emulator.fetch })
    return async (path) => (await caeFetch(`${emulator.apiUrl}${path}`)).status
  },
  'axios attachCae': (emulator, options) => {
    const api = axios.create({
      baseURL: emulator.apiUrl,
      httpsAgent: new Agent({ ca: emulator.caCertPem }),
      validateStatus: () => true,
    })
    attachCae(api, options)
    return async (path) => (await api.get(path)).status
  },
}

/** What a daemon asks: client credentials, app scope. */
function daemonOptions(emulator: RunningEmulator): CaeOptions {
  const app = confidentialApp(emulator, {
    clientId: DEFAULT_DAEMON_CLIENT_ID,
    clientSecret: DEFAULT_DAEMON_CLIENT_SECRET,
  })
  return {
    tokenProvider: fromMsalNode(app, { flow: 'clientCredentials' }),
    resources: [{ url: emulator.apiUrl, scopes: [emulator.apiScopes.app] }],
  }
}

/** What a web app asks for its signed-in user: silent flow, delegated scopes. */
async function userOptions(emulator: RunningEmulator): Promise<CaeOptions> {
  const app = confidentialApp(emulator, {
    clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID,
    clientSecret: DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
  })
  const account = (await signIn(emulator, app, emulator.apiScopes.delegated)).account as AccountInfo
  return {
    tokenProvider: fromMsalNode(app, { flow: 'silent', account: async () => account }),
    resources: [{ url: emulator.apiUrl, scopes: emulator.apiScopes.delegated }],
    partitionKey: () => account.homeAccountId,
  }
}

const FLOWS = {
  'client credentials': {
    options: async (e: RunningEmulator) => daemonOptions(e),
    path: '/messages',
  },
  'silent user flow': { options: userOptions, path: '/me' },
}

describe.each(Object.keys(ADAPTERS))('%s', (adapter) => {
  describe.each(Object.keys(FLOWS) as (keyof typeof FLOWS)[])('%s', (flow) => {
    const { options, path } = FLOWS[flow]

    async function ready() {
      const get = ADAPTERS[adapter]?.(idp(), await options(idp()))
      if (!get) throw new Error(`no adapter ${adapter}`)
      expect(await get(path)).toBe(200)
      return { get, tokensBefore: idp().admin.tokenRequests().length }
    }

    it('ends a blocked location with one ERR_CAE_ACCESS_BLOCKED after one token request, no replay', async () => {
      const { get, tokensBefore } = await ready()
      idp().admin.leaveTrustedLocation({ enforcement: 'block' })

      const error = await rejectionOf(get(path))
      expect(error).toBeInstanceOf(AccessBlockedError)
      expect(error).not.toBeInstanceOf(InteractionRequiredError)
      expect(error).toMatchObject({ code: 'ERR_CAE_ACCESS_BLOCKED' })
      expect((error as Error).message).toMatch(/access blocked .*AADSTS53003/)
      // MSAL's error keeps Entra's answer: the policy that refused, and "message_only".
      expect((error as Error).cause).toMatchObject({ subError: 'message_only' })
      expect(
        JSON.stringify((error as Error & { cause: { claims?: string } }).cause.claims),
      ).toContain(LOCATION_POLICY_ID)
      expect(idp().admin.tokenRequests().slice(tokensBefore)).toEqual([
        expect.objectContaining({ ok: false, error: 'invalid_grant', errorCode: 53003 }),
      ])
      const api = idp().admin.apiRequests()
      expect(api.map((r) => r.status)).toEqual([200, 401])
      expect(api[1]?.cause).toBe('LocationConditionEvaluationSatisfied')
    })

    it('keeps refusing later calls without a retry loop: at most one token request each, never a loop', async () => {
      const { get, tokensBefore } = await ready()
      idp().admin.leaveTrustedLocation({ enforcement: 'block' })
      const errors = []
      for (let call = 0; call < 8; call++) errors.push(await rejectionOf(get(path)))
      expect(errors.map((e) => (e as { code?: string }).code)).toEqual(
        Array(8).fill('ERR_CAE_ACCESS_BLOCKED'),
      )
      const refused = idp().admin.tokenRequests().slice(tokensBefore)
      expect(refused.length).toBeGreaterThanOrEqual(1)
      expect(refused.length).toBeLessThanOrEqual(8)
      expect(refused.every((r) => !r.ok && r.errorCode === 53003)).toBe(true)
      // Never a replay: every call after the first token reached the API once, with the old token.
      expect(
        idp()
          .admin.apiRequests()
          .filter((r) => r.status === 200),
      ).toHaveLength(1)
    })

    it('recovers from the silent outcome (IP seen differently) with one token request and one replay', async () => {
      const { get, tokensBefore } = await ready()
      idp().admin.leaveTrustedLocation()
      expect(await get(path)).toBe(200)
      expect(idp().admin.tokenRequests().slice(tokensBefore)).toEqual([
        expect.objectContaining({ ok: true, claims: expect.stringContaining('xms_rp_ipaddr') }),
      ])
      expect(
        idp()
          .admin.apiRequests()
          .map((r) => r.status),
      ).toEqual([200, 401, 200])
    })
  })
})
