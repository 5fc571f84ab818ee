/**
 * `WWW-Authenticate` serialisation: the inverse of `parseWwwAuthenticate`.
 *
 * @module
 */

import type { Challenge } from './challenge'
import { CaeOptionsError } from './errors'
import { isToken, isToken68 } from './internal/http-grammar'

// A wrong argument is a setup error, as everywhere in cae-kit.
const invalid = (message: string): CaeOptionsError => new CaeOptionsError(message)

/**
 * Quotes `value` (RFC 9110 §5.6.4), escaping `"` and `\`. Characters a header cannot carry
 * (controls other than HTAB, and anything above U+00FF) are refused: a CR or LF here would let
 * a value inject a header.
 */
function quote(value: string, name: string): string {
  let out = '"'
  let chunk = 0
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x22 || c === 0x5c) {
      out += `${value.slice(chunk, i)}\\`
      chunk = i
    } else if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) {
      throw invalid(`param "${name}" has a character a header cannot carry at index ${i}`)
    }
  }
  return `${out}${value.slice(chunk)}"`
}

function formatChallenge(challenge: Challenge): string {
  const { scheme, params, token68 } = challenge
  if (!isToken(scheme)) throw invalid(`scheme ${JSON.stringify(scheme)} is not a token`)
  const names = Object.keys(params)
  if (token68 !== undefined) {
    if (!isToken68(token68)) throw invalid(`token68 of scheme ${scheme} is not a token68`)
    if (names.length > 0) throw invalid(`scheme ${scheme} has both token68 and params`)
    return `${scheme} ${token68}`
  }
  if (names.length === 0) return scheme
  const parts: string[] = []
  for (const name of names) {
    if (!isToken(name)) throw invalid(`param name ${JSON.stringify(name)} is not a token`)
    const value = params[name] as string
    parts.push(`${name}=${quote(value, name)}`)
  }
  return `${scheme} ${parts.join(', ')}`
}

/**
 * Serialises challenges into one `WWW-Authenticate` value, joined with `, `. Every param value
 * is written as a quoted-string with `\"` and `\\` escapes, even when it is a token: that is what
 * Entra sends, and naive parsers common in samples (`/(\w+)="([^"]*)"/`) only see quoted values.
 * `parseWwwAuthenticate(formatWwwAuthenticate(challenges))` gives the challenges back (with
 * lowercased names). Used to build challenges in tests and in middle tiers that pass a claims
 * challenge on to their own caller (`toClaimsChallengeResponse` of `@cae-kit/msal-node` writes
 * its header here): the one place cae-kit quotes a header value.
 *
 * @param challenges - Challenges to write; `scheme` and param names must be tokens.
 * @returns The header value (`''` for no challenges).
 * @throws {@link CaeOptionsError} (`ERR_CAE_INVALID_OPTIONS`) when a scheme or param name is not a token,
 * `token68` is malformed or combined with params, or a value holds a control character (other
 * than HTAB) or a character above U+00FF, which no header can carry.
 * @example
 * ```ts
 * formatWwwAuthenticate([
 *   { scheme: 'Bearer', params: { error: 'insufficient_claims', claims: encodeClaims(json) } },
 * ])
 * // 'Bearer error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7...fX0="'
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 */
export function formatWwwAuthenticate(challenges: readonly Challenge[]): string {
  return challenges.map(formatChallenge).join(', ')
}
