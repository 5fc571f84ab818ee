/**
 * `fromMsalBrowser`: a cae-kit TokenProvider over an MSAL PublicClientApplication.
 *
 * @module
 */

import type { AccountInfo, AuthenticationResult } from '@azure/msal-browser'
import type { AccessToken, TokenProvider, TokenRequest } from '@cae-kit/core'
import { appFor } from './app'
import {
  CaeOptionsError,
  claimsOf,
  classifyEntraError,
  classifyInteractive,
  interactionError,
} from './errors'
import { handoffKey } from './handoff'
import type { MsalBrowserClient, MsalBrowserOptions } from './options'
import { watchReturn } from './prompt-return'
import { redirectForToken } from './redirect'

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
  const app = appFor(pca, config?.auth.clientId ?? '')

  const acquire = async ({
    scopes,
    claims,
    stepUp,
    signal,
    interactionStarted,
  }: TokenRequest): Promise<AccessToken> => {
    const started = Date.now()
    let account: AccountInfo | undefined
    let wanted = claims
    let cause: unknown
    const fail = (code: Parameters<typeof interactionError>[0], why?: unknown) =>
      interactionError(code, why, scopes, wanted)
    // Only the same account, scopes and claims share a prompt across tabs; never a step-up.
    const keyOf = (who: AccountInfo | null | undefined) =>
      !stepUp && handoffKey(who?.homeAccountId, scopes, wanted)
    // Claims only when present: MSAL treats any claims as "skip the access-token cache".
    const base = () => ({
      scopes,
      ...(account && { account }),
      ...(wanted && { claims: wanted }),
    })
    // Asks which account to use (when `renewed`, a prompt may have signed someone in since, and
    // another tab may have handed its outcome over), then tries silently. MSAL cannot prove
    // acr_values / max_age from its cache: a step-up always prompts.
    const silent = async (renewed?: boolean): Promise<AccessToken | undefined> => {
      const chosen = options.account
      const [first, second] = pca.getAllAccounts()
      account =
        (typeof chosen === 'function' ? await chosen() : chosen) ??
        pca.getActiveAccount() ??
        // The only signed-in account; with several, none (the prompt lets the user pick).
        (second ? undefined : first)
      // Another tab prompted for the same account, scopes and claims: take its outcome.
      const key = renewed && keyOf(account)
      const handed = key && (await app.handoff.take(key, started))
      if (handed) {
        if ('token' in handed) return handed.token
        throw fail(handed.code)
      }
      if (!stepUp)
        try {
          return toToken(await pca.acquireTokenSilent(base()))
        } catch (error) {
          // Blocked: its coded error. A failure no sign-in fixes: MSAL's error, unchanged.
          const outcome = classifyEntraError(error)
          if (outcome !== 'ERR_CAE_INTERACTION_REQUIRED') throw fail(outcome, error)
          // The token endpoint may name claims itself (e.g. a Conditional Access policy id).
          wanted ??= claimsOf(error)
          cause = error
        }
    }
    const token = await silent()
    if (token) return token
    if (interaction === 'none') throw fail('ERR_CAE_INTERACTION_REQUIRED', cause)

    const prompt = async (kind: 'popup' | 'redirect'): Promise<AccessToken> => {
      // The user works in the prompt: cae-kit's acquisition bound waits until it closes (a
      // redirect that leaves the page never settles, so its bound never resumes).
      const interactionEnded = interactionStarted?.()
      let key: string | false | undefined
      let stop: (() => void) | undefined
      try {
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
        if (kind === 'redirect') {
          // Everything waiting for a token leaves with the page; still here: it did not leave.
          await redirectForToken(pca, request, app.waiting)
          throw fail('ERR_CAE_INTERACTION_REQUIRED')
        }
        // Other tabs waiting for the same account, scopes and claims get this prompt's outcome.
        key = keyOf(account)
        if (key) app.handoff.announce(key)
        const popup = pca.acquireTokenPopup({
          ...request,
          ...(app.abandoned && { overrideInteractionInProgress: true }),
        })
        const result = await new Promise<AuthenticationResult>((resolve, reject) => {
          popup.then(resolve, reject)
          // The user closed the popup (the window manager gave this page the focus back).
          stop = watchReturn(() => {
            const settled = () => (app.abandoned = false)
            app.abandoned = true
            popup.then(settled, settled)
            reject(fail('ERR_CAE_INTERACTION_CANCELLED'))
          })
        })
        const token = toToken(result)
        const signedIn = keyOf(result.account)
        if (signedIn) app.handoff.share(signedIn, { token })
        if (key && key !== signedIn) app.handoff.share(key, null)
        return token
      } catch (error) {
        const failure = fail(classifyInteractive(error), error)
        const code = (failure as { code?: unknown } | undefined)?.code
        // Every waiter shares a cancellation or a block; anything else, each retries by itself.
        if (key)
          app.handoff.share(
            key,
            code === 'ERR_CAE_INTERACTION_CANCELLED' || code === 'ERR_CAE_ACCESS_BLOCKED'
              ? { code }
              : null,
          )
        // Only a popup is ever blocked (MSAL's popup_window_error / empty_window_error).
        if (code === 'ERR_CAE_POPUP_BLOCKED' && options.fallbackToRedirect)
          return prompt('redirect')
        throw failure
      } finally {
        stop?.()
        interactionEnded?.()
      }
    }
    return app.gate(
      started,
      async (renewed, cancelled) => {
        // Another tab held the lock, or a prompt of this tab ended: the session may be new.
        const token = renewed && (await silent(true))
        if (token) return token
        // The user just closed the prompt another request opened: no second one now.
        if (cancelled) throw fail('ERR_CAE_INTERACTION_CANCELLED', cause)
        return prompt(interaction)
      },
      signal,
    )
  }

  return {
    getToken(request) {
      // Tracked from the start: a redirect started meanwhile stores this request's waiters too.
      app.waiting.add(request)
      return acquire(request).finally(() => app.waiting.delete(request))
    },
  }
}
