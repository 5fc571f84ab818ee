/**
 * `isCaeAxiosError()`: the `AxiosError` a replay rejects with when it was challenged again, told
 * apart from any other error, with its `caeKit` typed. A guard rather than a module augmentation:
 * axios' CommonJS typings declare `AxiosError` as a type alias, which no `interface` can merge with.
 *
 * @module
 */

import type { StepUpRequest } from '@cae-kit/core'
import type { AxiosError } from 'axios'

/**
 * Set as `error.caeKit` on the `AxiosError` a replay rejects with when it was challenged again:
 * `error.response` is that second 401, and this says what the server still asks for.
 */
export interface CaeAxiosErrorInfo {
  /** Always `ERR_CAE_CHALLENGE_AFTER_REPLAY`. */
  readonly code: 'ERR_CAE_CHALLENGE_AFTER_REPLAY'
  /** Decoded claims (JSON text) of the second challenge, for a claims challenge. */
  readonly claims?: string | undefined
  /** Step-up requirements of the second challenge, for an RFC 9470 challenge. */
  readonly stepUp?: StepUpRequest | undefined
  /** Scopes of the resource. */
  readonly scopes: readonly string[]
}

/**
 * The `AxiosError` a replay rejects with when it was challenged again: `response` is the second
 * 401, `caeKit` what it still asks for. Narrow to it with {@link isCaeAxiosError}.
 *
 * @typeParam T - The response data, as in `AxiosError<T>`.
 * @typeParam D - The request data, as in `AxiosError<T, D>`.
 */
// biome-ignore lint/suspicious/noExplicitAny: repeats axios' own default for the request data
export type CaeAxiosError<T = unknown, D = any> = AxiosError<T, D> & {
  /** What the second challenge asks for (see {@link CaeAxiosErrorInfo}). */
  readonly caeKit: CaeAxiosErrorInfo
}

/**
 * Tells whether `error` is the `AxiosError` a cae-kit replay rejected with because it was
 * challenged again, and narrows it to {@link CaeAxiosError} (`error.caeKit` typed). Works for
 * ESM and CommonJS consumers and across copies of axios (it reads `isAxiosError`, as
 * `axios.isAxiosError` does).
 *
 * @param error - Anything a request rejected with.
 * @returns `true` for an axios error carrying cae-kit's `caeKit` (code
 *   `ERR_CAE_CHALLENGE_AFTER_REPLAY`); `false` for anything else, `null` and primitives included.
 * @example
 * ```ts
 * try {
 *   await api.get('/me')
 * } catch (error) {
 *   if (isCaeAxiosError(error)) showAccessDenied(error.caeKit.claims)
 *   else throw error
 * }
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: repeats axios' own default for the request data
export function isCaeAxiosError<T = unknown, D = any>(
  error: unknown,
): error is CaeAxiosError<T, D> {
  if (typeof error !== 'object' || error === null) return false
  const candidate = error as { isAxiosError?: unknown; caeKit?: { code?: unknown } | null }
  return (
    candidate.isAxiosError === true && candidate.caeKit?.code === 'ERR_CAE_CHALLENGE_AFTER_REPLAY'
  )
}
