/**
 * Base64 (RFC 4648 §4) and base64url (§5) over `atob`/`btoa`: core has no `Buffer`.
 *
 * @module
 */

/**
 * Decodes standard base64 or base64url, padded or not, into bytes; `undefined` when `value` is
 * neither. The alphabet is checked here because `atob` is forgiving: it skips ASCII whitespace.
 * Rules: one alphabet per value (`+/` or `-_`, never both); `=` only at the end, at most two, and
 * then the length is a multiple of 4; the unpadded length is never 1 mod 4. The expression has a
 * single star per branch before an anchored tail, so it runs in linear time.
 */
export function decodeBase64(value: string): Uint8Array | undefined {
  const match = /^([A-Za-z\d+/]*|[\w-]*)(=*)$/.exec(value)
  const text = match?.[1]
  const padding = match?.[2]?.length ?? 0
  if (!text || padding > 2 || (padding && value.length % 4) || text.length % 4 === 1) {
    return undefined
  }
  // atob takes base64 without padding too (forgiving-base64 decode).
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
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
