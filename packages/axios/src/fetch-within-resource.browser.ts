/**
 * One call of a guarded fetch in browsers (built instead of `fetch-within-resource.ts` for the
 * `browser` export condition): a browser's fetch follows redirects itself (see core's
 * `sendWithinResource`), so the call is passed on as made.
 *
 * @module
 */

import type * as Node from './fetch-within-resource'

/** The fetch call as made: see the module comment. */
export const fetchWithinResource: typeof Node.fetchWithinResource = (fetch, input, init) =>
  fetch(input, init)
