/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1): one forward pass, one regular-expression match
 * per list element, never throws.
 *
 * @module
 */

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
   * A value over 1 MiB is never parsed, whatever this says: on megabytes of quoted-strings the
   * regular expression that reads them would run out of backtracking stack.
   *
   * @default 16384
   */
  maxLength?: number
}

/** Default of {@link ParseWwwAuthenticateOptions.maxLength}: 16 KiB. */
export const DEFAULT_MAX_HEADER_LENGTH = 16_384 // a literal, which bundlers can drop

/**
 * Longest header value parsed whatever `maxLength` says: 1 MiB. The regular expression that reads
 * an element keeps one backtracking entry per quoted-string or escape it passes, and V8 runs out
 * of room for them (a `RangeError`) past about 2 MiB of `""` pairs.
 */
const MAX_HEADER_LENGTH = 1_048_576

function setParam(params: Record<string, string>, name: string, value: string): void {
  // The grammar allows a name once per challenge; when a sloppy server repeats it the first wins,
  // so a value appended later (by a proxy, or injected into a reflected value) cannot override it.
  // Two own-property checks: on `params`, then on Object.prototype (its only prototype, and the
  // end of the chain). Together they are what `name in params` says, at a fraction of its cost.
  if (Object.hasOwn(params, name)) return
  if (!Object.hasOwn(Object.prototype, name)) {
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
 * One list element at a sticky position, with the separators (whitespace, commas) before it. It
 * always matches, and its groups say what the element is:
 * - a parameter: 1 its name, then its value as 2 a quoted-string without escapes or folded lines,
 *   3 any other quoted-string, or 4 a lenient unquoted value; the value must end at whitespace, a
 *   comma or the end of the header;
 * - a scheme (1): at the end of its element; with its token68 (5); or followed by whitespace and a
 *   parameter, which the next match reads;
 * - no group: garbage up to the next comma outside a quoted-string; it stops before a
 *   quoted-string that never closes.
 *
 * The alternatives are tried where the element starts, and no quantifier repeats a pattern that
 * can match the same text in two ways, so a match takes time linear in the text it reads.
 *
 * Written out as one literal: composed at run time from the named character classes of
 * `internal/http-grammar` (`TCHAR`, `WS`, `QUOTED`, `LOOSE`, `T68`), it costs about 70 B gzip more
 * in every browser bundle. `challenge.test.ts` composes it from them and checks that it is this.
 *
 * @internal Exported for that test only; not part of the package's exports.
 */
export const ELEMENT =
  /[ \t\r\n,]*(?:([\w!#$%&'*+.^`|~-]+)(?:[ \t\r\n]*(?:=[ \t\r\n]*(?:"([^"\\\r\n]*)"|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"|([\w!#$%&'*+.^`|~-][!#-+\--[\]-~]*))(?=[ \t\r\n]|,|$)|(?=,|$))|[ \t\r\n]+(?:([\w.~+/-]+=*)[ \t\r\n]*(?=,|$)|(?=[\w!#$%&'*+.^`|~-]+[ \t\r\n]*=)))|[^",]*(?:"[^"\\]*(?:\\[\s\S][^"\\]*)*"[^",]*)*)/y

// A quoted-pair (`\x` gives `x`) or the CR/LF of a folded line (dropped).
const ESCAPED = /\\([\s\S])|[\r\n]/g

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
 * Runs in linear time (one forward pass, each list element read by one match of a regular
 * expression that cannot backtrack past the element) and never throws, whatever the input: lone
 * surrogates, NUL, or a value over `maxLength`, which yields `[]`.
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
  const challenges: Challenge[] = []
  // Written as "not within": a `maxLength` that is no number (NaN) parses nothing, never more.
  if (
    typeof value !== 'string' ||
    !(value.length <= Math.min(options?.maxLength ?? DEFAULT_MAX_HEADER_LENGTH, MAX_HEADER_LENGTH))
  ) {
    return challenges
  }
  // Parameters of the challenge being filled; undefined before the first scheme and after a
  // token68 challenge, whose parameters are dropped.
  let params: Record<string, string> | undefined
  let i = 0
  while (i < value.length) {
    ELEMENT.lastIndex = i
    // ELEMENT always matches: its garbage branch may be empty.
    const [, token, plain, quoted, unquoted, token68] = ELEMENT.exec(value) as RegExpExecArray
    i = ELEMENT.lastIndex
    const paramValue = plain ?? unquoted ?? quoted?.replace(ESCAPED, '$1')
    if (token === undefined) {
      // Garbage: parsing ends at a quoted-string that never closes (where its value was meant to
      // end cannot be known), else resumes at the comma.
      if (value[i] === '"') break
    } else if (paramValue !== undefined) {
      if (params) setParam(params, token.toLowerCase(), paramValue)
    } else if (token68 === undefined) {
      params = {}
      challenges.push({ scheme: token.toLowerCase(), params })
    } else {
      challenges.push({ scheme: token.toLowerCase(), params: {}, token68 })
      params = undefined
    }
  }
  return challenges
}
