/**
 * `fromMsalBrowser`: a cae-kit TokenProvider over an MSAL PublicClientApplication.
 *
 * @module
 */

import type { AccountInfo, AuthenticationResult } from '@azure/msal-browser'
import type { AccessToken, TokenProvider, TokenRequest } from '@cae-kit/core'
import {
  CaeOptionsError,
  claimsOf,
  classifyEntraError,
  classifyInteractive,
  type InteractiveFailure,
  interactionError,
  isCaeError,
} from './errors'
import { handoffFor, handoffKey } from './handoff'
import { gateFor } from './interaction'
import type { MsalBrowserClient, MsalBrowserOptions } from './options'
import { watchReturn } from './prompt-return'
import { redirectForToken } from './redirect'
import { type Waiter, waitFor } from './waiting'

/**
 * Per application, the popup the user walked away from while MSAL still waits for it (up to its
 * `popupBridgeTimeout`): the next prompt overrides MSAL's `interaction_in_progress`.
 */
const abandoned = new WeakSet<object>()

const toToken = (result: AuthenticationResult): AccessToken => ({
  token: result.accessToken,
  ...(result.expiresOn && { expiresOn: result.expiresOn.getTime() }),
})

/**
 * Builds a {@link TokenProvider} over an MSAL browser application.
 *
 * Each token request first calls `acquireTokenSilent` with the decoded claims (claims make MSAL
 * skip its access-token cache and use the refresh token). When that needs a user, it opens ONE
 * prompt at a time for the whole app (identical concurrent requests are already merged by the
 * engine): other requests queue, then retry silently (the new session usually satisfies them)
 * before prompting. With Web Locks the queue spans the app's tabs. Claims are never stored,
 * except in `sessionStorage` for the duration of a redirect.
 *
 * @param pca - An initialized `PublicClientApplication` whose `auth.clientCapabilities` has `CP1`.
 * @param options - See {@link MsalBrowserOptions}.
 * @returns A TokenProvider for `createCaeFetch` / `attachCae`. Its `getToken` rejects with
 * `ERR_CAE_INTERACTION_REQUIRED` (`interaction: 'none'`), `ERR_CAE_POPUP_BLOCKED`,
 * `ERR_CAE_INTERACTION_CANCELLED`, `ERR_CAE_ACCESS_BLOCKED` (each its own class: `InteractionRequiredError`,
 * `PopupBlockedError`, `InteractionCancelledError`, `AccessBlockedError`),
 * or with MSAL's own error for anything else. Throws `CaeOptionsError` `ERR_CAE_CAPABILITY_MISSING` at creation
 * when `requireCapability` is set and `CP1` is missing.
 * @example
 * ```ts
 * const pca = new PublicClientApplication({ auth: { clientId, clientCapabilities: ['CP1'] } })
 * await pca.initialize()
 * attachCae(api, { tokenProvider: fromMsalBrowser(pca), resources: [{ url, scopes }] })
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export const fromMsalBrowser = (
  pca: MsalBrowserClient,
  options: MsalBrowserOptions = {},
): TokenProvider => {
  const { interaction = 'popup', onInteraction, interactiveRequest } = options
  const config = pca.getConfiguration?.()
  if (config && !config.auth.clientCapabilities?.includes('CP1')) {
    const message = 'clientCapabilities lacks CP1'
    if (options.requireCapability)
      throw new CaeOptionsError(message, { code: 'ERR_CAE_CAPABILITY_MISSING' })
    console.warn(`cae-kit: ${message}`)
  }
  const clientId = config?.auth.clientId ?? ''
  const gate = gateFor(pca, clientId)
  const handoff = handoffFor(pca, clientId)

  const resolveAccount = async (): Promise<AccountInfo | undefined> => {
    const { account } = options
    const all = pca.getAllAccounts()
    return (
      (typeof account === 'function' ? await account() : account) ??
      pca.getActiveAccount() ??
      (all.length === 1 ? all[0] : undefined)
    )
  }

  const acquire = async (
    { scopes, claims, stepUp, signal, interactionStarted }: TokenRequest,
    waiter: Waiter,
  ): Promise<AccessToken> => {
    const started = Date.now()
    let account = await resolveAccount()
    let wanted = claims
    let cause: unknown
    const fail = (code: Parameters<typeof interactionError>[0], why?: unknown) =>
      interactionError(code, why, scopes, wanted)
    // Claims only when present: MSAL treats any claims as "skip the access-token cache".
    const base = () => ({
      scopes,
      ...(account && { account }),
      ...(wanted && { claims: wanted }),
    })
    const silent = async (): Promise<AccessToken | undefined> => {
      try {
        return toToken(await pca.acquireTokenSilent(base()))
      } catch (error) {
        const outcome = classifyEntraError(error)
        if (outcome === 'ERR_CAE_ACCESS_BLOCKED') throw fail(outcome, error)
        if (!outcome) throw error
        // The token endpoint may name claims itself (e.g. a Conditional Access policy id).
        wanted ??= claimsOf(error)
        cause = error
        return undefined
      }
    }
    // MSAL cannot prove acr_values / max_age from its cache: a step-up always prompts.
    const token = stepUp ? undefined : await silent()
    if (token) return token
    if (interaction === 'none') throw fail('ERR_CAE_INTERACTION_REQUIRED', cause)

    const prompt = async (kind: 'popup' | 'redirect'): Promise<AccessToken> => {
      // The user works in the prompt: cae-kit's acquisition bound waits until it closes (a
      // redirect leaves the page, so its bound never resumes).
      const interactionEnded = interactionStarted?.()
      try {
        return await openPrompt(kind)
      } finally {
        if (kind === 'popup') interactionEnded?.()
      }
    }
    const openPrompt = async (kind: 'popup' | 'redirect'): Promise<AccessToken> => {
      try {
        await onInteraction?.({ kind, scopes, claims: wanted, account })
      } catch (error) {
        throw fail('ERR_CAE_INTERACTION_CANCELLED', error)
      }
      const request = {
        ...interactiveRequest,
        ...base(),
        ...(stepUp?.maxAge !== undefined && { maxAge: stepUp.maxAge }),
        ...(stepUp?.acrValues && {
          extraQueryParameters: {
            ...interactiveRequest?.extraQueryParameters,
            acr_values: stepUp.acrValues.join(' '),
          },
        }),
      }
      // Everything waiting for a token leaves with the page: this request's waiters first.
      if (kind === 'redirect') return redirectForToken(pca, request, waiter.all)
      // Other tabs waiting for the same account, scopes and claims get this prompt's outcome.
      const key = !stepUp && handoffKey(account?.homeAccountId, scopes, wanted)
      if (key) handoff.started(key)
      let stop = () => {}
      try {
        const popup = pca.acquireTokenPopup({
          ...request,
          ...(abandoned.has(pca) && { overrideInteractionInProgress: true }),
        })
        const result = await new Promise<AuthenticationResult>((resolve, reject) => {
          popup.then(resolve, reject)
          // The user closed the popup (the window manager gave this page the focus back).
          stop = watchReturn(() => {
            const settled = () => abandoned.delete(pca)
            abandoned.add(pca)
            popup.then(settled, settled)
            reject(fail('ERR_CAE_INTERACTION_CANCELLED'))
          })
        })
        const token = toToken(result)
        const signedIn = !stepUp && handoffKey(result.account?.homeAccountId, scopes, wanted)
        if (signedIn) handoff.share(signedIn, { token })
        if (key && key !== signedIn) handoff.share(key, null)
        return token
      } catch (error) {
        const code = isCaeError(error) ? error.code : classifyInteractive(error)
        if (key) {
          const shared =
            code === 'ERR_CAE_INTERACTION_CANCELLED' || code === 'ERR_CAE_ACCESS_BLOCKED'
          handoff.share(key, shared ? { code } : null)
        }
        if (code === 'ERR_CAE_POPUP_BLOCKED' && options.fallbackToRedirect)
          return prompt('redirect')
        throw code && !isCaeError(error) ? fail(code as InteractiveFailure, error) : error
      } finally {
        stop()
      }
    }
    return gate(
      started,
      async (renewed, cancelled) => {
        // A prompt may have signed someone in: ask again which account to use.
        if (renewed) account = await resolveAccount()
        // Another tab prompted for the same account, scopes and claims: take its outcome.
        const key = renewed && !stepUp && handoffKey(account?.homeAccountId, scopes, wanted)
        const handed = key ? await handoff.take(key, started) : undefined
        if (handed) {
          if ('token' in handed) return handed.token
          throw fail(handed.code)
        }
        const token = renewed && !stepUp && (await silent())
        if (token) return token
        // The user just closed the prompt another request opened: no second one now.
        if (cancelled) throw fail('ERR_CAE_INTERACTION_CANCELLED', cause)
        return prompt(interaction)
      },
      signal,
    )
  }

  return {
    async getToken(request) {
      // Tracked from the start: a redirect started meanwhile stores this request's waiters too.
      const waiter = waitFor(pca, request.pendingRequests)
      try {
        return await acquire(request, waiter)
      } finally {
        waiter.done()
      }
    },
  }
}
