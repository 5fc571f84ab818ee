/**
 * Base64 (RFC 4648 §4) and base64url (§5) over `atob`/`btoa`: core has no `Buffer`.
 *
 * @module
 */

/**
 * Decodes standard base64 or base64url, padded or not, into bytes; `undefined` when `value` is
 * neither. `atob` (forgiving-base64 decode) enforces the padding rules: `=` only at the end, at
 * most two, and then a length that is a multiple of 4; an unpadded length never 1 mod 4. It also
 * skips ASCII whitespace, so the alphabet is checked here: one per value (`+/` or `-_`, never
 * both), then `=` only. Each branch of the expression has a single star before an anchored tail,
 * so it runs in linear time.
 */
export function decodeBase64(value: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z\d+/]+|[\w-]+)=*$/.test(value)) return undefined
  try {
    return Uint8Array.from(atob(value.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
      c.charCodeAt(0),
    )
  } catch {
    return undefined
  }
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
