/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1): one forward pass over char codes, never throws.
 *
 * @module
 */

import {
  BACKSLASH,
  COMMA,
  DQUOTE,
  EQUALS,
  has,
  LOOSE,
  skip,
  T68,
  TCHAR,
  WS,
} from './internal/http-grammar'

const OBJECT_PROTOTYPE = Object.prototype

/**
 * One authentication challenge of a `WWW-Authenticate` header.
 *
 * `scheme` and the parameter names are lowercased (both are case-insensitive on the wire), values
 * are unquoted and unescaped. `token68` is present only for `Scheme token68` challenges (`Basic
 * dGVzdA==`), which carry no parameters.
 */
export type Challenge = {
  /** Authentication scheme, lowercased: `'bearer'`, `'dpop'`, `'basic'`. */
  scheme: string
  /** Parameters by lowercased name, values unquoted. Own properties only, even `__proto__`. */
  params: Record<string, string>
  /** The token68 form (`Negotiate abc==`), when the challenge uses it. */
  token68?: string
}

/** Options of {@link parseWwwAuthenticate}. */
export interface ParseWwwAuthenticateOptions {
  /**
   * Longest header value parsed, in UTF-16 code units. A longer value yields `[]` without being
   * read: no real challenge comes near it, and the cap bounds the work an attacker can cause.
   *
   * @default 16384
   */
  maxLength?: number
}

/** Default of {@link ParseWwwAuthenticateOptions.maxLength}: 16 KiB. */
export const DEFAULT_MAX_HEADER_LENGTH = 16_384 // a literal, which bundlers can drop

// Value of the last quoted string read by `readQuoted` with `keep`: a module variable rather than
// a result object, so reading a value allocates nothing but the string itself.
let quoted = ''

// The characters a quoted-string gives a meaning to: its closing quote, the escape, CR and LF.
// One character class, so the search for the next of them runs as machine code, cannot backtrack
// (it is tried at each position once), and `test` with `lastIndex` allocates nothing.
const SPECIAL = /["\\\r\n]/g

/**
 * Reads a quoted-string whose opening quote is just before `i`. Returns the index after the
 * closing quote, or -1 when the string never closes. `\x` yields `x`; CR and LF (folded lines)
 * are dropped and the SP/HTAB that follows them is kept.
 */
function readQuoted(s: string, i: number, keep: boolean): number {
  let chunk = i
  let out = ''
  for (;;) {
    SPECIAL.lastIndex = i
    if (!SPECIAL.test(s)) return -1
    const at = SPECIAL.lastIndex - 1
    const c = s.charCodeAt(at)
    if (c === DQUOTE) {
      if (keep) quoted = out + s.slice(chunk, at)
      return at + 1
    }
    if (c === BACKSLASH) {
      if (at + 1 === s.length) return -1
      if (keep) out += s.slice(chunk, at) + s.charAt(at + 1)
      i = at + 2
    } else {
      if (keep) out += s.slice(chunk, at)
      i = at + 1
    }
    chunk = i
  }
}

/**
 * Skips garbage up to the next comma outside a quoted string (or the end). Quotes are honoured
 * so that text inside a quoted string is never mistaken for a parameter.
 */
function skipToComma(s: string, i: number, n: number): number {
  while (i < n) {
    const c = s.charCodeAt(i)
    if (c === COMMA) return i
    if (c === DQUOTE) {
      i = readQuoted(s, i + 1, false)
      if (i < 0) return n
    } else {
      i++
    }
  }
  return n
}

function setParam(params: Record<string, string>, name: string, value: string): void {
  // The grammar allows a name once per challenge; when a sloppy server repeats it the first wins,
  // so a value appended later (by a proxy, or injected into a reflected value) cannot override it.
  // Two own-property checks: on `params`, then on Object.prototype (its only prototype, and the
  // end of the chain). Together they are what `name in params` says, at a fraction of its cost.
  if (Object.hasOwn(params, name)) return
  if (!Object.hasOwn(OBJECT_PROTOTYPE, name)) {
    params[name] = value
    return
  }
  // Names inherited from Object.prototype (`__proto__`, `constructor`) are defined, not assigned:
  // assigning `__proto__` would swap the prototype, and assigning onto a frozen prototype throws.
  Object.defineProperty(params, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  })
}

/**
 * Parses a `WWW-Authenticate` header value into its challenges (RFC 9110 §11.6.1).
 *
 * Follows the grammar: several challenges per value (`Bearer …, DPoP …`), `name=token` and
 * `name="quoted"` with backslash escapes, whitespace around `=` and commas, empty list elements,
 * and `Scheme token68`. It is lenient where real servers are sloppy: an unquoted value runs to the
 * next comma or whitespace, so `authorization_uri=https://…` and unpadded-or-padded base64 work;
 * parameters may be separated by spaces instead of commas; folded lines (CRLF + SP/HTAB) count as
 * whitespace. It never invents a parameter from garbage:
 *
 * - a parameter is kept only when its value ends at a comma, whitespace or the end; a value
 *   followed by anything else (`a=b"c"`) is dropped along with the rest up to the next comma;
 * - an unterminated quoted string drops its parameter and ends parsing: where the value was meant
 *   to end cannot be known, and guessing would let it swallow later parameters;
 * - a token without `=` where a parameter may start begins a new challenge when followed by a
 *   comma, the end, or whitespace and then a parameter or token68; otherwise it is dropped with
 *   the rest up to the next comma; parameters before any scheme or after a token68 are dropped;
 * - a repeated parameter keeps its first value.
 *
 * Runs in linear time (one forward pass; the only regular expression is one character class that
 * finds where a quoted string ends, which cannot backtrack) and never throws, whatever the input:
 * lone surrogates, NUL, or a value over `maxLength`, which yields `[]`.
 *
 * @param value - The header value; several header lines may be joined with `, `.
 * @param options - See {@link ParseWwwAuthenticateOptions}.
 * @returns The challenges in header order; `[]` for an empty, malformed or oversize value.
 * @example
 * ```ts
 * parseWwwAuthenticate('Bearer realm="", error="insufficient_claims", claims="eyJ9"')
 * // [{ scheme: 'bearer', params: { realm: '', error: 'insufficient_claims', claims: 'eyJ9' } }]
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 */
export function parseWwwAuthenticate(
  value: string,
  options?: ParseWwwAuthenticateOptions,
): Challenge[] {
  if (typeof value !== 'string') return []
  if (value.length > (options?.maxLength ?? DEFAULT_MAX_HEADER_LENGTH)) return []
  return parse(value)
}

function parse(s: string): Challenge[] {
  const challenges: Challenge[] = []
  const n = s.length
  // Parameters of the challenge being filled; undefined before the first scheme and after a
  // token68 challenge, whose parameters are dropped.
  let params: Record<string, string> | undefined
  let i = 0
  while (i < n) {
    const c = s.charCodeAt(i)
    if (c === COMMA || has(c, WS)) {
      i++
      continue
    }
    if (!has(c, TCHAR)) {
      i = skipToComma(s, i, n)
      continue
    }
    const start = i
    const end = skip(s, i + 1, n, TCHAR)
    const next = skip(s, end, n, WS)
    if (next < n && s.charCodeAt(next) === EQUALS) {
      i = readParam(s, n, start, end, next + 1, params)
      continue
    }
    // A token that is not a parameter name: a scheme, if what follows fits a challenge.
    if (next === n || s.charCodeAt(next) === COMMA) {
      params = {}
      challenges.push({ scheme: s.slice(start, end).toLowerCase(), params })
      i = next
      continue
    }
    if (next === end) {
      i = skipToComma(s, end, n)
      continue
    }
    const t68End = skip(s, next, n, T68)
    if (t68End > next) {
      let pad = t68End
      while (pad < n && s.charCodeAt(pad) === EQUALS) pad++
      const after = skip(s, pad, n, WS)
      if (after === n || s.charCodeAt(after) === COMMA) {
        const token68 = s.slice(next, pad)
        challenges.push({ scheme: s.slice(start, end).toLowerCase(), params: {}, token68 })
        params = undefined
        i = after
        continue
      }
    }
    const nameEnd = skip(s, next, n, TCHAR)
    if (nameEnd > next) {
      const eq = skip(s, nameEnd, n, WS)
      if (eq < n && s.charCodeAt(eq) === EQUALS) {
        params = {}
        challenges.push({ scheme: s.slice(start, end).toLowerCase(), params })
        i = readParam(s, n, next, nameEnd, eq + 1, params)
        continue
      }
    }
    i = skipToComma(s, next, n)
  }
  return challenges
}

/**
 * Reads the value of the parameter named `s[start, end)` from `i` (just after its `=`), stores it
 * in `params` if it is well formed and `params` is defined, and returns where parsing resumes.
 */
function readParam(
  s: string,
  n: number,
  start: number,
  end: number,
  i: number,
  params: Record<string, string> | undefined,
): number {
  i = skip(s, i, n, WS)
  if (i === n) return n
  const c = s.charCodeAt(i)
  if (c === COMMA) return i // `name=` with no value: nothing to keep
  let value: string
  let after: number
  if (c === DQUOTE) {
    after = readQuoted(s, i + 1, params !== undefined)
    if (after < 0) return n
    value = quoted
  } else if (has(c, TCHAR)) {
    after = skip(s, i + 1, n, LOOSE)
    value = params === undefined ? '' : s.slice(i, after)
  } else {
    return skipToComma(s, i, n)
  }
  if (after < n) {
    const d = s.charCodeAt(after)
    if (d !== COMMA && !has(d, WS)) return skipToComma(s, after, n)
  }
  if (params !== undefined) setParam(params, s.slice(start, end).toLowerCase(), value)
  return after
}
