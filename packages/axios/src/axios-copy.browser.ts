/**
 * The copy of axios an instance was made by, in browsers (built instead of `axios-copy.ts` for
 * the `browser` export condition): a bundle holds the copy its bundler resolved, and nothing can
 * be loaded at run time to look for another, so every instance is dispatched through it.
 *
 * @module
 */

import { AxiosError, getAdapter } from 'axios'
import type * as Node from './axios-copy'

const BUNDLED: Node.AxiosCopy = { getAdapter, AxiosError }

/** Always the bundled copy: see the module comment. */
export const copyResolver: typeof Node.copyResolver = () => () => BUNDLED
