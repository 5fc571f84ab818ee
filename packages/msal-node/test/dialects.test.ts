// @vitest-environment node
/**
 * The daemon path (`createCaeFetch` + `fromMsalNode`, real msal-node, the emulator over HTTPS)
 * against every resource dialect and every header variant it captures: for each event the
 * resource raises, the challenge costs one token request, then either one replay that succeeds
 * or one coded error and no replay. Loop detection is on (see `useEmulator`).
 */
import type { AccountInfo } from '@azure/msal-node'
import { type CaeErrorCode, createCaeFetch } from '@cae-kit/core'
import {
  CHALLENGE_VARIANTS,
  type ChallengeCause,
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  DEFAULT_MIDDLE_TIER_CLIENT_ID,
  DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
  type ResourceDialect,
  type RunningEmulator,
} from '@cae-kit/emulator'
import { describe, expect, it } from 'vitest'
import { fromMsalNode } from '../src/index'
import { ALICE, confidentialApp, rejectionOf, signIn, useEmulator } from './helpers'

const DAEMON = { clientId: DEFAULT_DAEMON_CLIENT_ID, clientSecret: DEFAULT_DAEMON_CLIENT_SECRET }
const WEB_APP = {
  clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID,
  clientSecret: DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
}

/** One event an admin raises, and what the daemon path must end with. */
type Story = {
  event: string
  fire: (idp: RunningEmulator) => void
  cause: ChallengeCause
  /** `replay`: the new token satisfies the claims; else the coded error the call rejects with. */
  outcome: 'replay' | CaeErrorCode
}

/** Events raised against the signed-in user's (delegated) token: every dialect raises them. */
const USER_STORIES: Story[] = [
  {
    event: 'leaveTrustedLocation()',
    fire: (idp) => idp.admin.leaveTrustedLocation(),
    cause: 'LocationConditionEvaluationSatisfied',
    outcome: 'replay',
  },
  {
    event: "leaveTrustedLocation({ enforcement: 'block' })",
    fire: (idp) => idp.admin.leaveTrustedLocation({ enforcement: 'block' }),
    cause: 'LocationConditionEvaluationSatisfied',
    outcome: 'ERR_CAE_ACCESS_BLOCKED',
  },
  {
    event: 'revokeSessions',
    fire: (idp) => idp.admin.revokeSessions(ALICE.username),
    cause: 'TokenIssuedBeforeRevocationTimestamp',
    outcome: 'ERR_CAE_INTERACTION_REQUIRED',
  },
  {
    event: 'resetPassword',
    fire: (idp) => idp.admin.resetPassword(ALICE.username, 'a-new-password'),
    cause: 'PasswordChanged',
    outcome: 'ERR_CAE_INTERACTION_REQUIRED',
  },
  {
    event: 'requireMfa',
    fire: (idp) => idp.admin.requireMfa(ALICE.username),
    cause: 'TokenCreatedWithOutdatedPolicies',
    outcome: 'ERR_CAE_INTERACTION_REQUIRED',
  },
  {
    event: 'raiseUserRisk',
    fire: (idp) => idp.admin.raiseUserRisk(ALICE.username),
    cause: 'UserRiskHigh',
    outcome: 'ERR_CAE_INTERACTION_REQUIRED',
  },
  {
    event: 'disableUser',
    fire: (idp) => idp.admin.disableUser(ALICE.username),
    cause: 'UserAccountDisabled',
    outcome: 'ERR_CAE_ACCESS_BLOCKED',
  },
  {
    event: 'requireAuthContext',
    fire: (idp) => idp.admin.requireAuthContext('/me', 'c1'),
    cause: 'AuthenticationContextRequired',
    outcome: 'ERR_CAE_INTERACTION_REQUIRED',
  },
  {
    event: 'disableServicePrincipal (the web app)',
    fire: (idp) => idp.admin.disableServicePrincipal(WEB_APP.clientId),
    cause: 'ServicePrincipalDisabled',
    outcome: 'ERR_CAE_ACCESS_BLOCKED',
  },
]

/** Events raised against an app-only token: workload identities are CAE on Graph only. */
const APP_STORIES: Story[] = [
  {
    event: 'leaveTrustedLocation()',
    fire: (idp) => idp.admin.leaveTrustedLocation(),
    cause: 'LocationConditionEvaluationSatisfied',
    outcome: 'replay',
  },
  {
    event: "leaveTrustedLocation({ enforcement: 'block' })",
    fire: (idp) => idp.admin.leaveTrustedLocation({ enforcement: 'block' }),
    cause: 'LocationConditionEvaluationSatisfied',
    outcome: 'ERR_CAE_ACCESS_BLOCKED',
  },
  {
    event: 'disableServicePrincipal',
    fire: (idp) => idp.admin.disableServicePrincipal(DAEMON.clientId),
    cause: 'ServicePrincipalDisabled',
    outcome: 'ERR_CAE_ACCESS_BLOCKED',
  },
  {
    event: 'deleteServicePrincipal',
    fire: (idp) => idp.admin.deleteServicePrincipal(DAEMON.clientId),
    cause: 'ServicePrincipalDeleted',
    outcome: 'ERR_CAE_ACCESS_BLOCKED',
  },
  {
    event: 'raiseServicePrincipalRisk',
    fire: (idp) => idp.admin.raiseServicePrincipalRisk(DAEMON.clientId),
    cause: 'ServicePrincipalRiskHigh',
    outcome: 'ERR_CAE_ACCESS_BLOCKED',
  },
]

const DIALECTS: ResourceDialect[] = ['graph', 'arm', 'keyvault']

describe.each(DIALECTS)('the %s dialect', (resource) => {
  const idp = useEmulator({ resource })

  /** A cae fetch over the daemon's client credentials. */
  function daemonFetch() {
    return createCaeFetch({
      tokenProvider: fromMsalNode(confidentialApp(idp(), DAEMON), { flow: 'clientCredentials' }),
      resources: [{ url: idp().apiUrl, scopes: [idp().apiScopes.app] }],
      fetch: idp().fetch,
    })
  }

  /** A cae fetch over Alice's silent token in a confidential web app. */
  async function userFetch() {
    const app = confidentialApp(idp(), WEB_APP)
    const account = (await signIn(idp(), app, idp().apiScopes.delegated)).account as AccountInfo
    return createCaeFetch({
      tokenProvider: fromMsalNode(app, { flow: 'silent', account: async () => account }),
      resources: [{ url: idp().apiUrl, scopes: idp().apiScopes.delegated }],
      fetch: idp().fetch,
      partitionKey: () => account.homeAccountId,
    })
  }

  /**
   * Fires the story's event between a first (cached) call and a second one, then checks the
   * round: one challenge in the variant, one token request, one replay or one coded error.
   */
  async function playStory(
    caeFetch: typeof fetch,
    path: string,
    story: Story,
    variant: string,
  ): Promise<void> {
    expect((await caeFetch(`${idp().apiUrl}${path}`)).status).toBe(200)
    const tokensBefore = idp().admin.tokenRequests().length
    const apiBefore = idp().admin.apiRequests().length
    story.fire(idp())

    const call = caeFetch(`${idp().apiUrl}${path}`)
    if (story.outcome === 'replay') {
      expect((await call).status).toBe(200)
    } else {
      expect(await rejectionOf(call)).toMatchObject({ code: story.outcome })
    }

    const tokens = idp().admin.tokenRequests().slice(tokensBefore)
    expect(tokens).toEqual([expect.objectContaining({ ok: story.outcome === 'replay' })])
    const api = idp().admin.apiRequests().slice(apiBefore)
    expect(api.map((r) => r.status)).toEqual(story.outcome === 'replay' ? [401, 200] : [401])
    expect(api[0]?.cause).toBe(story.cause)
    // Auth context challenges have one documented form, the same for every dialect.
    if (story.cause !== 'AuthenticationContextRequired') expect(api[0]?.variant).toBe(variant)
  }

  describe.each(CHALLENGE_VARIANTS[resource])('header variant %s', (variant) => {
    const useVariant = () => idp().admin.useVariants({ challenge: variant })

    it.each(USER_STORIES)(
      'silent user flow, $event: one token request, then $outcome',
      async (story) => {
        useVariant()
        await playStory(await userFetch(), '/me', story, variant)
      },
    )

    if (resource === 'graph') {
      it.each(APP_STORIES)(
        'client credentials, $event: one token request, then $outcome',
        async (story) => {
          useVariant()
          await playStory(daemonFetch(), '/messages', story, variant)
        },
      )
    }

    it('client credentials under alwaysChallenge: one token request, one replay, the second 401 returned', async () => {
      useVariant()
      const caeFetch = daemonFetch()
      expect((await caeFetch(`${idp().apiUrl}/messages`)).status).toBe(200)
      idp().admin.alwaysChallenge(true)
      expect((await caeFetch(`${idp().apiUrl}/messages`)).status).toBe(401)
      expect(
        idp()
          .admin.tokenRequests()
          .map((r) => r.ok),
      ).toEqual([true, true])
      const api = idp().admin.apiRequests()
      expect(api.map((r) => r.status)).toEqual([200, 401, 401])
      expect(api.slice(1).map((r) => r.variant)).toEqual([variant, variant])
    })
  })

  it('stays below loop detection when every call is challenged: ten calls, one token request', async () => {
    const caeFetch = await userFetch()
    expect((await caeFetch(`${idp().apiUrl}/me`)).status).toBe(200)
    const tokensBefore = idp().admin.tokenRequests().length
    idp().admin.alwaysChallenge(true)
    for (let call = 0; call < 10; call++) {
      expect((await caeFetch(`${idp().apiUrl}/me`)).status).toBe(401)
    }
    // The engine remembers the claims it could not satisfy instead of asking again.
    expect(idp().admin.tokenRequests().slice(tokensBefore)).toEqual([
      expect.objectContaining({ grantType: 'refresh_token', ok: true }),
    ])
  })

  if (resource !== 'graph') {
    it.each(APP_STORIES)(
      'does not challenge app-only tokens for $event (workload CAE is Graph only)',
      async (story) => {
        const caeFetch = daemonFetch()
        expect((await caeFetch(`${idp().apiUrl}/messages`)).status).toBe(200)
        story.fire(idp())
        expect((await caeFetch(`${idp().apiUrl}/messages`)).status).toBe(200)
        expect(idp().admin.tokenRequests()).toHaveLength(1)
        expect(
          idp()
            .admin.apiRequests()
            .map((r) => r.status),
        ).toEqual([200, 200])
      },
    )
  }
})
