/**
 * Redirects in browsers (built instead of `fetch-redirects.ts` for the `browser` export
 * condition): a browser's fetch never hands a redirect to the caller (`redirect: 'manual'` gives
 * an opaque response), so cae-kit cannot follow hops itself there; fetch follows them, dropping
 * `Authorization` when a redirect leaves the origin. The Node hop follower stays out of browser
 * bundles.
 *
 * @module
 */

import type * as Server from './fetch-redirects'

/** Never guards: the browser's fetch follows redirects itself (see the module comment). */
export const sendGuarded: typeof Server.sendGuarded = () => undefined

/** One plain `send(request)`: the browser's fetch follows redirects itself. */
export const sendWithinResource: typeof Server.sendWithinResource = (send, request) => send(request)
