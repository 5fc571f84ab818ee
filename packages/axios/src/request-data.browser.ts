/**
 * Request data in browsers (built instead of `request-data.ts` for the `browser` export
 * condition): the xhr and fetch adapters read strings, buffers, `Blob`s and `URLSearchParams`
 * anew on every send; what the engine keeps is a web stream or a `FormData`. There are no Node
 * streams or `form-data` package forms to keep, so that code stays out of browser bundles.
 *
 * @module
 */

import { isSpecFormData } from './data-shape'
import type * as Node from './request-data'

/** Nothing to keep here: see the module comment. */
export const keepData: typeof Node.keepData = () => undefined

/** A web stream or a multipart `FormData`, which the engine keeps (see `request-data.ts`). */
export const dataForEngine: typeof Node.dataForEngine = ({ data }) =>
  typeof data?.getReader === 'function' || isSpecFormData(data) ? data : undefined
