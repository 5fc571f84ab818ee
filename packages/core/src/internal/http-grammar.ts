/**
 * Character classes of the HTTP grammar (RFC 9110 §5.6) as regular-expression source, for the
 * `WWW-Authenticate` serialiser and the parser (whose expression, a literal, is checked against
 * its composition from these by `challenge.test.ts`).
 *
 * @module
 */

/** token character (RFC 9110 §5.6.2). */
export const TCHAR = "[\\w!#$%&'*+.^`|~-]"
/** token68 character, its trailing '=' excluded (RFC 9110 §11.2). */
export const T68 = '[\\w.~+/-]'
/** Character of a lenient unquoted value: VCHAR except '"', ',' and '\'. */
export const LOOSE = '[!#-+\\--[\\]-~]'
/** Whitespace: SP, HTAB, and the CR/LF of folded lines. */
export const WS = '[ \\t\\r\\n]'
/**
 * The text of a quoted-string between its quotes: any code unit but '"' and '\', and quoted-pairs
 * ('\' and any code unit). Written unrolled, with no alternation inside a loop, so a match is
 * found or refused in linear time.
 */
export const QUOTED = '[^"\\\\]*(?:\\\\[\\s\\S][^"\\\\]*)*'

// Built on first use, so that a bundle which never serialises challenges does not build them.
let token: RegExp | undefined
let token68: RegExp | undefined

/** Whether `value` is a non-empty RFC 9110 token. */
export function isToken(value: string): boolean {
  token ??= new RegExp(`^${TCHAR}+$`)
  return token.test(value)
}

/** Whether `value` is an RFC 9110 token68 (`1*( ALPHA / DIGIT / "-._~+/" ) *"="`). */
export function isToken68(value: string): boolean {
  token68 ??= new RegExp(`^${T68}+=*$`)
  return token68.test(value)
}
