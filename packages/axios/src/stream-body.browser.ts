/**
 * Node `Readable` request data in browsers (built instead of `stream-body.ts` for the `browser`
 * export condition): there is no http adapter there to consume one, so nothing is read ahead and
 * the Node stream buffering stays out of browser bundles.
 *
 * @module
 */

import type * as Node from './stream-body'

/** Nothing to keep: only axios' Node http adapter consumes a `Readable` (see `stream-body.ts`). */
export const keepReadable: typeof Node.keepReadable = () => undefined
