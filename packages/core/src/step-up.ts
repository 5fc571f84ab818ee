/**
 * RFC 9470 step-up authentication challenges.
 *
 * @module
 */

import type { Challenge, ParseWwwAuthenticateOptions } from './challenge'
import type { ResponseLike } from './claims'
import { findBearerChallenge } from './internal/bearer'

/** A step-up challenge found by {@link getStepUpChallenge}. */
export type StepUpChallenge = {
  /** Always `'insufficient_user_authentication'`. */
  error: 'insufficient_user_authentication'
  /** `error_description` of the challenge, when present. */
  errorDescription?: string
  /** `acr_values`, split on spaces, in the server's order of preference; absent when empty. */
  acrValues?: string[]
  /** `max_age` in seconds; absent when missing or not a non-negative integer. */
  maxAge?: number
  /** The whole Bearer challenge, params included. */
  challenge: Challenge
}

/** Options of {@link getStepUpChallenge}. */
export type GetStepUpChallengeOptions = ParseWwwAuthenticateOptions

/**
 * Finds an RFC 9470 step-up challenge in a response: status 401 and a Bearer challenge, in any
 * position, with `error="insufficient_user_authentication"`. The first such challenge wins.
 * `acr_values` becomes `acrValues` (split on spaces, in order of preference). `max_age` becomes
 * `maxAge` only when it is a non-negative integer in plain decimal digits (at most 15, so it is
 * exact); any other `max_age` (`-1`, `1.5`, `5s`, `""`) is ignored rather than guessed, and the
 * challenge is still returned. Never throws.
 *
 * @param response - A fetch `Response`, an axios response, or any `{ status, headers }`.
 * @param options - See {@link GetStepUpChallengeOptions}.
 * @returns The step-up requirements, or `undefined`.
 * @example
 * ```ts
 * const stepUp = getStepUpChallenge(res)
 * if (stepUp) await signIn({ acrValues: stepUp.acrValues, maxAge: stepUp.maxAge })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9470#section-3
 */
export function getStepUpChallenge(
  response: ResponseLike,
  options?: GetStepUpChallengeOptions,
): StepUpChallenge | undefined {
  return findBearerChallenge(response, options, ({ error, acr_values, max_age }) => {
    if (error !== 'insufficient_user_authentication') return undefined
    const found: Partial<StepUpChallenge> = {}
    const acrValues = acr_values?.match(/[^ ]+/g)
    if (acrValues) found.acrValues = acrValues
    // Plain decimal digits only, at most 15 so the number is exact; anything else is ignored.
    if (max_age && /^\d{1,15}$/.test(max_age)) found.maxAge = Number(max_age)
    return found
  }) as StepUpChallenge | undefined
}
