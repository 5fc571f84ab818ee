/**
 * The copy of axios an instance was made by. An instance of `require('axios')` given to this
 * package's ESM build (or the reverse) must be dispatched through its own copy's adapters and
 * answered with its own error classes, never through a second copy of axios (slower, and its
 * errors fail the app's `instanceof` checks). Browser builds use `axios-copy.browser.ts`.
 *
 * @module
 */

import { AxiosError, AxiosHeaders, getAdapter } from 'axios'
import { otherAxiosModules } from './axios-copies'

/** What cae-kit uses of an axios module (its `AxiosHeaders` only tells the copies apart). */
export interface AxiosCopy {
  getAdapter: typeof getAdapter
  AxiosError: typeof AxiosError
}

/** The copy this package imports: the one nearly every instance is made by. */
const OWN: AxiosCopy = { getAdapter, AxiosError }

/** The axios object of a module: a CommonJS `module.exports`, or an ESM namespace's default. */
const axiosOf = (module: unknown) =>
  ((module as { default?: unknown } | null)?.default ?? module) as
    | (Partial<AxiosCopy> & { AxiosHeaders?: unknown })
    | null

/**
 * Finds an instance's copy of axios from the headers axios hands its adapter (an `AxiosHeaders`
 * of that copy: axios' dispatch makes them so). This package's copy costs one `instanceof`; any
 * other is looked for once (the instance itself when it is the default `axios`, then the builds
 * Node has loaded) and kept; so is not finding one (this package's copy is used then, as before).
 *
 * @param instance - The axios instance given to `attachCae`.
 */
export function copyResolver(instance: unknown): (headers: unknown) => AxiosCopy {
  /** The last foreign `AxiosHeaders` class seen, and the copy found for it (ours if none). */
  let seen: { made: unknown; copy: AxiosCopy } | undefined
  return (headers) => {
    if (headers instanceof AxiosHeaders) return OWN
    const made = (headers as object | null)?.constructor
    if (seen !== undefined && seen.made === made) return seen.copy
    let copy = OWN
    for (const module of [instance, ...otherAxiosModules()]) {
      const axios = axiosOf(module)
      if (axios && axios.AxiosHeaders === made && typeof axios.getAdapter === 'function') {
        copy = axios as AxiosCopy
        break
      }
    }
    seen = { made, copy }
    return copy
  }
}
