/**
 * Character classes of the HTTP grammar (RFC 9110 §5.6) over char codes, for the
 * `WWW-Authenticate` parser and serialiser: one table lookup per character, no regular expression.
 *
 * @module
 */

export const DQUOTE = 0x22
export const COMMA = 0x2c
export const EQUALS = 0x3d
export const BACKSLASH = 0x5c

// Character classes of the ASCII range (bit flags); every code unit >= 0x80 has none.
/** token character (RFC 9110 §5.6.2). */
export const TCHAR = 1
/** token68 character, its trailing '=' excluded (RFC 9110 §11.2). */
export const T68 = 2
/** Character of a lenient unquoted value: VCHAR except '"', ',' and '\'. */
export const LOOSE = 4
/** Whitespace: SP, HTAB, and the CR/LF of folded lines. */
export const WS = 8

/**
 * One entry per ASCII code, built once from the RFC's character sets: the regular expressions run
 * 128 times at load, never while parsing. Built by a function marked pure, so a bundle that does
 * not parse headers drops the table.
 */
function classify(): Uint8Array {
  const classes = new Uint8Array(128)
  for (let code = 0; code < 128; code++) {
    const c = String.fromCharCode(code)
    classes[code] =
      (/[\w!#$%&'*+.^`|~-]/.test(c) ? TCHAR : 0) |
      (/[\w.~+/-]/.test(c) ? T68 : 0) |
      (/[!-~]/.test(c) && !/[",\\]/.test(c) ? LOOSE : 0) |
      (/[ \t\r\n]/.test(c) ? WS : 0)
  }
  return classes
}
const CLASSES = /* @__PURE__ */ classify()

/** Whether char code `code` is in class `flag`. */
export function has(code: number, flag: number): boolean {
  return code < 128 && ((CLASSES[code] as number) & flag) !== 0
}

/** Index of the first code unit at or after `i` (below `n`) not in class `flag`, or `n`. */
export function skip(s: string, i: number, n: number, flag: number): number {
  while (i < n && has(s.charCodeAt(i), flag)) i++
  return i
}

/** Whether `value` is a non-empty RFC 9110 token. */
export function isToken(value: string): boolean {
  return value.length > 0 && skip(value, 0, value.length, TCHAR) === value.length
}

/** Whether `value` is an RFC 9110 token68 (`1*( ALPHA / DIGIT / "-._~+/" ) *"="`). */
export function isToken68(value: string): boolean {
  const n = value.length
  const end = skip(value, 0, n, T68)
  if (end === 0) return false
  let i = end
  while (i < n && value.charCodeAt(i) === EQUALS) i++
  return i === n
}
