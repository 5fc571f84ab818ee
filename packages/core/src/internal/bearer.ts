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

/**
 * The Bearer challenges of a 401 response, from every `WWW-Authenticate` line, in header order;
 * `[]` for any other status. Never throws.
 */
export function bearerChallenges(
  response: ResponseLike,
  options?: ParseWwwAuthenticateOptions,
): Challenge[] {
  return response?.status === 401
    ? readHeaderValues(response.headers, 'www-authenticate').flatMap((header) =>
        parseWwwAuthenticate(header, options).filter(({ scheme }) => scheme === 'bearer'),
      )
    : []
}
