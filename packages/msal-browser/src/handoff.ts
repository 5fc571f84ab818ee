/**
 * One prompt across tabs: the tab that prompted hands its outcome to the tabs of the app that
 * waited (on the Web Lock) for the same account, scopes and claims, through a same-origin
 * `BroadcastChannel`. MSAL's own cross-tab cache sync races Chromium's `localStorage` replication,
 * so a waiting tab cannot count on finding the new refresh token in its MSAL cache.
 *
 * @module
 */

import type { AccessToken } from '@cae-kit/core'

/** What a tab hands over: the token, or the code of the failure every waiter shares. */
export type Outcome =
  | { token: AccessToken }
  | { code: 'ERR_CAE_INTERACTION_CANCELLED' | 'ERR_CAE_ACCESS_BLOCKED' }

/** The cross-tab hand-off of one application. */
export interface Handoff {
  /** Tells the other tabs a prompt for `key` is open: they wait for its outcome. */
  announce(key: string): void
  /** Tells them how it ended: a token, a shared failure, or `null` (nothing to share). */
  share(key: string, outcome: Outcome | null): void
  /**
   * The outcome another tab handed for `key`, sent since `since` (epoch ms). When another tab
   * announced a prompt for `key` whose outcome has not arrived yet, waits for it up to `waitMs`.
   */
  take(key: string, since: number, waitMs?: number): Promise<Outcome | undefined>
}

/**
 * The hand-off key: who (MSAL `homeAccountId`), for which scopes (sorted, unique) and claims. A
 * token is only ever handed to a request with the same key: never to another account.
 */
export const handoffKey = (
  accountId: string | undefined,
  scopes: readonly string[],
  claims: string | undefined,
): string | undefined =>
  accountId && JSON.stringify([accountId, [...new Set(scopes)].sort(), claims ?? ''])

/**
 * A message, and the last one kept per key: an announcement (`outcome` undefined) or an outcome,
 * `at` the time it was sent (epoch ms; the tabs of one browser share a clock).
 */
type Message = { key: string; at: number; outcome?: Outcome | null | undefined }

/**
 * Creates the hand-off over the channel `name` (one per app: `cae-kit:handoff:<clientId>`).
 * Without `BroadcastChannel`, nothing is handed and `take` finds nothing.
 */
export const createHandoff = (name: string): Handoff => {
  const channel = globalThis.BroadcastChannel && new BroadcastChannel(name)
  const seen = new Map<string, Message>()
  if (channel) {
    // Only messages with a string key are kept: anything else on the channel is no hand-off.
    channel.onmessage = ({ data }) => {
      if (typeof data?.key === 'string') seen.set(data.key, data)
    }
    // An open channel must not keep a Node test runner alive.
    ;(channel as { unref?: () => void }).unref?.()
  }
  const post = (key: string, outcome?: Outcome | null) =>
    channel?.postMessage({ key, at: Date.now(), outcome } satisfies Message)
  return {
    announce: post,
    share: post,
    take: (key, since, waitMs = 2_000) =>
      new Promise((resolve) => {
        const end = Date.now() + waitMs
        const look = () => {
          const entry = seen.get(key)
          // Announced and not answered yet: the answer may trail the Web Lock; wait, bounded.
          if (entry && entry.outcome === undefined && Date.now() < end) setTimeout(look, 50)
          else resolve((entry && entry.at >= since && entry.outcome) || undefined)
        }
        look()
      }),
  }
}
