/**
 * Redirects in browsers (built instead of `http-redirects.ts` for the `browser` export
 * condition): browsers have no http adapter (follow-redirects), and drop `Authorization` when a
 * redirect leaves the origin, so the guard stays out of browser bundles.
 *
 * @module
 */

import type * as Node from './http-redirects'

/** Nothing to guard: only axios' Node http adapter follows redirects with follow-redirects. */
export const guardRedirects: typeof Node.guardRedirects = () => {}
