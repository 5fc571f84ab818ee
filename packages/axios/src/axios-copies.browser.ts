/**
 * Builds of axios side by side, in browsers (built instead of `axios-copies.ts` for the
 * `browser` export condition): a bundle holds the one copy the bundler resolved, and nothing can
 * be loaded at run time, so there is no other copy to look for.
 *
 * @module
 */

import type * as Node from './axios-copies'

/** None: see the module comment. */
export const otherAxiosModules: typeof Node.otherAxiosModules = () => []
