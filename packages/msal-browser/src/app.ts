/**
 * What every provider built over one PublicClientApplication shares: MSAL allows one interaction
 * per application, not per provider, and a redirect takes the whole page away, whichever provider
 * started it.
 *
 * @module
 */

import type { TokenRequest } from '@cae-kit/core'
import { createHandoff, type Handoff } from './handoff'
import { createGate, type Gate } from './interaction'

/** The shared state of one application. */
export interface App {
  /** One prompt at a time, across tabs too (Web Lock `cae-kit:interaction:<clientId>`). */
  gate: Gate
  /** Prompt outcomes handed between tabs (channel `cae-kit:handoff:<clientId>`). */
  handoff: Handoff
  /**
   * The token requests in flight, whose `pendingRequests` describe the requests waiting for them
   * (a redirect stores them all).
   */
  waiting: Set<TokenRequest>
  /**
   * A popup the user walked away from while MSAL still waits for it (up to its
   * `popupBridgeTimeout`): the next prompt overrides MSAL's `interaction_in_progress`.
   */
  abandoned?: boolean
}

const apps = new WeakMap<object, App>()

/**
 * The shared state of `pca`, created on first use.
 *
 * @param pca - The application object (the WeakMap key).
 * @param clientId - Its client id, naming the cross-tab lock and channel.
 * @returns The state every provider over `pca` shares.
 */
export const appFor = (pca: object, clientId: string): App => {
  const app = apps.get(pca) ?? {
    gate: createGate(`cae-kit:interaction:${clientId}`),
    handoff: createHandoff(`cae-kit:handoff:${clientId}`),
    waiting: new Set(),
  }
  apps.set(pca, app)
  return app
}
