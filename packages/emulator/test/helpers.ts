/** Test helpers: JWT payload decoding and a small, independent WWW-Authenticate reader. */

/** The payload of a JWT (no verification). */
export function decodeJwt(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>
}

/** Parameters of a single Bearer challenge with quoted values (the shape the emulator sends). */
export function readBearer(header: string | null): Record<string, string> {
  if (!header?.startsWith('Bearer ')) throw new Error(`not a Bearer challenge: ${header}`)
  const params: Record<string, string> = {}
  for (const match of header.slice(7).matchAll(/([a-z_]+)="([^"]*)"(?:, |$)/g)) {
    params[match[1] as string] = match[2] as string
  }
  return params
}

/** Decoded `claims` of a challenge header (JSON text). */
export function challengeClaims(header: string | null): string {
  const claims = readBearer(header).claims
  if (claims === undefined) throw new Error(`no claims in ${header}`)
  return Buffer.from(claims, 'base64').toString('utf8')
}
