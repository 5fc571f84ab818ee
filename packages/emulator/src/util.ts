/** Small platform-neutral helpers (WebCrypto, base64url, responses); no Buffer, no node:*. */

const encoder = new TextEncoder()

/** base64url without padding of bytes. */
export function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** base64url of the UTF-8 bytes of a string. */
export function base64urlText(text: string): string {
  return base64url(encoder.encode(text))
}

/** Standard, padded base64 of the UTF-8 bytes of a string (the form Entra uses in `claims="..."`). */
export function base64Text(text: string): string {
  let binary = ''
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** Decodes base64url (or base64) to bytes; undefined when malformed. */
export function fromBase64url(value: string): Uint8Array | undefined {
  try {
    const normal = value.replaceAll('-', '+').replaceAll('_', '/')
    const binary = atob(normal + '='.repeat((4 - (normal.length % 4)) % 4))
    return Uint8Array.from(binary, (c) => c.charCodeAt(0))
  } catch {
    return undefined
  }
}

/** `count` random bytes as base64url. */
export function randomToken(count = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(count)))
}

/** A random GUID. */
export function randomGuid(): string {
  return crypto.randomUUID()
}

/** SHA-256 of a string as base64url (PKCE S256, pairwise subjects). */
export async function sha256(text: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))))
}

/** A stable GUID-shaped id derived from a seed (FNV-1a, not cryptographic: ids only). */
export function stableGuid(seed: string): string {
  let hex = ''
  for (let round = 0; hex.length < 32; round++) {
    let hash = 0x811c9dc5 ^ round
    for (const byte of encoder.encode(seed)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
    hex += hash.toString(16).padStart(8, '0')
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/**
 * Token identifier (`uti`) that also encodes the issue time in milliseconds and the clock's
 * generation. The API compares it with revocation times: second-granular `iat` would let a token
 * issued in the same second as a revocation slip through, or reject the fresh token that answers
 * the challenge.
 */
export function createUti(issuedAtMs: number, generation: number): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes.subarray(7))
  bytes[6] = generation
  let rest = issuedAtMs
  for (let i = 5; i >= 0; i--) {
    bytes[i] = rest % 256
    rest = Math.floor(rest / 256)
  }
  return base64url(bytes)
}

/** The clock generation encoded by {@link createUti}; undefined for foreign identifiers. */
export function utiGeneration(uti: unknown): number | undefined {
  const bytes = typeof uti === 'string' ? fromBase64url(uti) : undefined
  return bytes?.length === 16 ? bytes[6] : undefined
}

/** Issue time in milliseconds encoded by {@link createUti}; undefined for foreign identifiers. */
export function utiIssuedAt(uti: unknown): number | undefined {
  if (typeof uti !== 'string') return undefined
  const bytes = fromBase64url(uti)
  if (bytes?.length !== 16) return undefined
  let ms = 0
  for (let i = 0; i < 6; i++) ms = ms * 256 + (bytes[i] ?? 0)
  return ms
}

/** JSON response. */
export function json(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const response = new Response(JSON.stringify(body), { status, headers })
  response.headers.set('content-type', 'application/json; charset=utf-8')
  response.headers.set('cache-control', 'no-store')
  return response
}

/**
 * HTML response (the sign-in, error and sign-out pages). Sent with
 * `Cross-Origin-Opener-Policy: same-origin` like Entra's pages: in a sign-in popup the app's
 * `popup.closed` then reads `true` while the window is still open, as it does against Entra.
 */
export function html(body: string, status = 200, headers: HeadersInit = {}): Response {
  const response = new Response(body, { status, headers })
  response.headers.set('content-type', 'text/html; charset=utf-8')
  response.headers.set('cache-control', 'no-store')
  response.headers.set('cross-origin-opener-policy', 'same-origin')
  return response
}

/** 302 redirect. */
export function redirect(location: string, headers: HeadersInit = {}): Response {
  const response = new Response(null, { status: 302, headers })
  response.headers.set('location', location)
  response.headers.set('cache-control', 'no-store')
  return response
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** Reads an `application/x-www-form-urlencoded` body (or the query when there is no body). */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const text = await request.text()
  return new URLSearchParams(text)
}

/** Value of one cookie of the request. */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie')
  if (!header) return undefined
  for (const part of header.split(';')) {
    const index = part.indexOf('=')
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim()
  }
  return undefined
}

/** Splits a space-separated scope string. */
export function splitScopes(scope: string | null | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s.length > 0)
}

/** Whether a URL's host is a loopback name. */
export function isLoopbackUrl(value: string): boolean {
  try {
    const { hostname, protocol } = new URL(value)
    return (
      (protocol === 'http:' || protocol === 'https:') &&
      (hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]')
    )
  } catch {
    return false
  }
}

const PEM = /^-----BEGIN CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----\s*$/

/** The DER bytes of one PEM certificate, or `undefined` when it is not one. */
export function certificateDer(pem: string): Uint8Array | undefined {
  const body = PEM.exec(pem)?.[1]
  return body === undefined ? undefined : fromBase64url(body.replace(/\s+/g, ''))
}
