/**
 * The Bearer challenges of a response: what both detectors (claims, step-up) look through.
 *
 * @module
 */

import {
  type Challenge,
  type ParseWwwAuthenticateOptions,
  parseWwwAuthenticate,
} from '../challenge'
import { type ResponseLike, readHeaderValues } from '../headers'

/** What every detector reports of the challenge it found, besides its own fields. */
export interface FoundChallenge {
  /** `error` of the challenge. */
  error: string
  /** `error_description` of the challenge, when present. */
  errorDescription?: string
  /** The whole Bearer challenge, params included. */
  challenge: Challenge
}

/**
 * The first Bearer challenge of a 401 response (from every `WWW-Authenticate` line, in header
 * order) that `read` accepts: what `read` returned from its params, completed with the challenge's
 * `error`, `errorDescription` (only when present) and the challenge itself. A challenge whose
 * `read` returns `undefined` is skipped. `undefined` for any other status. Never throws if `read`
 * does not.
 */
export function findBearerChallenge<Found extends object>(
  response: ResponseLike,
  options: ParseWwwAuthenticateOptions | undefined,
  read: (params: Challenge['params']) => Found | undefined,
): (Found & FoundChallenge) | undefined {
  if (response?.status !== 401) return undefined
  for (const header of readHeaderValues(response.headers, 'www-authenticate')) {
    for (const challenge of parseWwwAuthenticate(header, options)) {
      if (challenge.scheme !== 'bearer') continue
      const { params } = challenge
      const found = read(params) as (Found & FoundChallenge) | undefined
      if (!found) continue
      found.error = params.error as string
      found.challenge = challenge
      if (params.error_description !== undefined) {
        found.errorDescription = params.error_description
      }
      return found
    }
  }
  return undefined
}
