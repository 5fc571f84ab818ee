/**
 * A scripted transport for engine tests: each send is answered by `reply`, and every
 * `Authorization` value sent is recorded.
 */
import { encodeClaims } from '../claims'
import type { CaeTransport, SendAttempt } from '../types'

/** A result as the scripted client returns it. */
export interface Reply {
  status: number
  headers: Record<string, string>
  url?: string
}

export const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}'

/** A 401 claims challenge for `claims`. */
export const challenge = (claims = CLAIMS): Reply => ({
  status: 401,
  headers: {
    'www-authenticate': `Bearer error="insufficient_claims", claims="${encodeClaims(claims)}"`,
  },
})

export const ok = (): Reply => ({ status: 200, headers: {} })

/** A transport whose sends are answered by `reply`; `sent` lists the Authorization values. */
export function scripted(
  reply: (authorization: string | undefined, attempt: SendAttempt) => Reply | Promise<Reply>,
  extra: Partial<CaeTransport<Reply>> = {},
) {
  const sent: (string | undefined)[] = []
  const transport: CaeTransport<Reply> = {
    send: async (authorization, attempt) => {
      sent.push(authorization)
      return reply(authorization, attempt)
    },
    status: (result) => result.status,
    headers: (result) => result.headers,
    finalUrl: (result) => result.url,
    ...extra,
  }
  return { transport, sent }
}
