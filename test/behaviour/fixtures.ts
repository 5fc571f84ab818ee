/**
 * A CAE-enabled API and a token provider, both fakes with memory, for the behaviour table.
 * The API (msw handlers) accepts any token it has not revoked and answers a revoked one with a
 * claims (or step-up) challenge; it records every request it receives.
 */

import type { TokenProvider, TokenRequest } from '@cae-kit/core'
import { HttpResponse, http } from 'msw'

export const API = 'https://api.test'
export const RESOURCE = { url: `${API}/v1`, scopes: ['api://test/.default'] }
export const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'

/**
 * The header Entra sends, including an `authorization_uri` that must never be followed. The
 * claims are encoded here with Node's own base64, independently of cae-kit.
 */
export function claimsChallenge(claims = CLAIMS): string {
  const encoded = Buffer.from(claims, 'utf8').toString('base64')
  return `Bearer realm="", authorization_uri="https://login.evil.test/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="${encoded}"`
}

export const STEP_UP_CHALLENGE =
  'Bearer error="insufficient_user_authentication", error_description="a different authentication level is required", acr_values="c1 c2", max_age="300"'

export interface ApiRecord {
  id: string | null
  method: string
  url: string
  authorization: string | null
  contentType: string | null
  body: Uint8Array
}

export function createApi() {
  const records: ApiRecord[] = []
  const revoked = new Set<string>()
  const gates = new Map<string, Promise<void>>()
  const state = {
    /** Challenge every token, new ones too: the replay is challenged again. */
    challengeAll: false,
    kind: 'claims' as 'claims' | 'step-up',
    claims: CLAIMS,
  }

  async function record(request: Request): Promise<ApiRecord> {
    const entry: ApiRecord = {
      id: request.headers.get('x-request-id'),
      method: request.method,
      url: request.url,
      authorization: request.headers.get('authorization'),
      contentType: request.headers.get('content-type'),
      body: new Uint8Array(await request.arrayBuffer()),
    }
    records.push(entry)
    return entry
  }

  function challenge(): Response {
    const header = state.kind === 'claims' ? claimsChallenge(state.claims) : STEP_UP_CHALLENGE
    return new HttpResponse('challenged', { status: 401, headers: { 'www-authenticate': header } })
  }

  const handlers = [
    http.all(`${API}/v1/redirect/:target`, async ({ request, params }) => {
      await record(request)
      const to =
        params.target === 'subdomain'
          ? 'https://evil.api.test/landing'
          : params.target === 'same-origin'
            ? `${API}/public/landing`
            : 'https://other.test/landing'
      return new HttpResponse(null, { status: 302, headers: { location: to } })
    }),
    http.all(`${API}/*`, async ({ request }) => {
      const entry = await record(request)
      const gate = entry.id === null ? undefined : gates.get(entry.id)
      if (gate) await gate
      const token = entry.authorization?.replace(/^\S+ /, '') ?? ''
      if (entry.authorization !== null && (state.challengeAll || revoked.has(token)))
        return challenge()
      if (new URL(request.url).pathname.startsWith('/v10')) return challenge()
      return new HttpResponse(new TextDecoder().decode(entry.body) || 'ok', { status: 200 })
    }),
    // Outside the resource. They always challenge, to prove such challenges are never answered.
    ...['https://other.test', 'https://evil.api.test', 'https://login.evil.test'].map((origin) =>
      http.all(`${origin}/*`, async ({ request }) => {
        await record(request)
        return challenge()
      }),
    ),
  ]

  return {
    handlers,
    records,
    state,
    revoke: (token: string) => revoked.add(token),
    /** Holds the response to requests with `x-request-id: id` until the returned function runs. */
    hold(id: string): () => void {
      let release!: () => void
      gates.set(id, new Promise<void>((resolve) => (release = resolve)))
      return release
    },
    sent: (id: string) => records.filter((r) => r.id === id),
  }
}

export function createProvider(options: { expiresInMs?: number; tokenType?: string } = {}) {
  const calls: TokenRequest[] = []
  const failures: unknown[] = []
  let gate: Promise<void> | undefined
  const provider: TokenProvider = {
    async getToken(request) {
      calls.push(request)
      const n = calls.length
      if (gate) await gate
      const failure = failures.shift()
      if (failure !== undefined) throw failure
      const token: { token: string; expiresOn?: number; tokenType?: string } = {
        token: `tok-${n}-SECRET`,
      }
      if (options.expiresInMs !== undefined) token.expiresOn = Date.now() + options.expiresInMs
      if (options.tokenType !== undefined) token.tokenType = options.tokenType
      return token
    },
  }
  return {
    provider,
    calls,
    /** The next provider calls reject with these errors, in order. */
    failNext: (...errors: unknown[]) => failures.push(...errors),
    /** Provider calls wait until the returned function runs. */
    hold(): () => void {
      let release!: () => void
      gate = new Promise<void>((resolve) => (release = resolve))
      return () => {
        gate = undefined
        release()
      }
    },
  }
}

/** Waits until `condition` holds, polling on the event loop (no wall-clock assertions). */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1))
  if (!condition()) throw new Error('condition not met')
}
