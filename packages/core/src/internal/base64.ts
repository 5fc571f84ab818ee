/**
 * Base64 (RFC 4648 §4) and base64url (§5) over `atob`/`btoa`: core has no `Buffer`.
 *
 * @module
 */

const PLUS = 0x2b
const SLASH = 0x2f
const MINUS = 0x2d
const UNDERSCORE = 0x5f
const EQUALS = 0x3d

function isAlphanumeric(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)
}

/**
 * Decodes standard base64 or base64url, padded or not, into bytes; `undefined` when `value` is
 * neither. The alphabet is checked here because `atob` is forgiving: it skips ASCII whitespace
 * and accepts a missing padding. Rules: one alphabet per value (`+/` or `-_`, never both);
 * `=` only at the end, at most two, and then the length is a multiple of 4; the unpadded length
 * is never 1 mod 4.
 */
export function decodeBase64(value: string): Uint8Array | undefined {
  const n = value.length
  let end = n
  while (end > 0 && value.charCodeAt(end - 1) === EQUALS) end--
  const padding = n - end
  if (end === 0 || padding > 2 || (padding > 0 && n % 4 !== 0) || end % 4 === 1) return undefined
  let standard = false
  let url = false
  for (let i = 0; i < end; i++) {
    const c = value.charCodeAt(i)
    if (isAlphanumeric(c)) continue
    if (c === PLUS || c === SLASH) standard = true
    else if (c === MINUS || c === UNDERSCORE) url = true
    else return undefined
  }
  if (standard && url) return undefined
  let text = value.slice(0, end)
  if (url) text = text.replaceAll('-', '+').replaceAll('_', '/')
  const binary = atob(text.padEnd(end + ((4 - (end % 4)) % 4), '='))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Encodes bytes as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  // String.fromCharCode over chunks: one call per byte is slow, one call for all bytes can exceed
  // the engine's argument limit.
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}
