/**
 * RFC 9470 step-up authentication challenges.
 *
 * @module
 */

import { type Challenge, type ParseWwwAuthenticateOptions, parseWwwAuthenticate } from './challenge'
import type { ResponseLike } from './claims'
import { readHeaderValues } from './headers'

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

/** `max_age` as a number when it is a non-negative integer written in decimal digits only. */
function parseMaxAge(value: string | undefined): number | undefined {
  if (value === undefined || value.length === 0 || value.length > 15) return undefined
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return undefined
  }
  return Number(value)
}

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
  if (response?.status !== 401) return undefined
  for (const header of readHeaderValues(response.headers, 'www-authenticate')) {
    for (const challenge of parseWwwAuthenticate(header, options)) {
      const { params } = challenge
      if (challenge.scheme !== 'bearer' || params.error !== 'insufficient_user_authentication') {
        continue
      }
      const result: StepUpChallenge = { error: 'insufficient_user_authentication', challenge }
      if (params.error_description !== undefined) result.errorDescription = params.error_description
      const acrValues = params.acr_values?.split(' ').filter((acr) => acr !== '')
      if (acrValues !== undefined && acrValues.length > 0) result.acrValues = acrValues
      const maxAge = parseMaxAge(params.max_age)
      if (maxAge !== undefined) result.maxAge = maxAge
      return result
    }
  }
  return undefined
}
