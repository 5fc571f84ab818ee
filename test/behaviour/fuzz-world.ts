/**
 * The world of the engine fuzz test (`engine.fuzz.test.ts`): what a run is made of, and a fake
 * server and token provider that fast-check's scheduler drives. The server is realistic: a claims
 * (or step-up) challenge is satisfied by a token the provider issued for those scopes with those
 * claims, and by no other. Everything either saw is recorded for the invariants.
 */

import type { CaeOptions, TokenRequest } from '@cae-kit/core'
import { InteractionRequiredError } from '@cae-kit/core'
import type fc from 'fast-check'

export const RESOURCES = [
  { url: 'https://api.test/v1', scopes: ['api://one/.default'] },
  { url: 'https://api.test/v2', scopes: ['api://two/read', 'api://two/write'] },
  { url: 'https://graph.test', scopes: ['https://graph.test/.default'] },
] as const
/** URLs in no resource: the same origin under another path, and another origin. */
export const UNCONFIGURED = ['https://api.test/other/x', 'https://evil.test/v1/x'] as const

const b64 = (text: string) => Buffer.from(text).toString('base64')
export const claimsFor = (label: string) =>
  `{"access_token":{"nbf":{"essential":true,"value":"${label}"}}}`

export type Plan =
  /** 200 whatever the token. */
  | { kind: 'ok' }
  /** Claims challenge until the token was issued with claims `claimsFor(label)`. */
  | { kind: 'claims'; label: string }
  /** RFC 9470 challenge until the token was issued with step-up `acr`. */
  | { kind: 'step-up'; acr: string }
  /** A claims challenge no token satisfies. */
  | { kind: 'always' }
  /** A 401 that is no claims challenge. */
  | { kind: 'plain-401' }
  /** The fetch itself fails. */
  | { kind: 'network' }

export type Abort = 'none' | 'before' | 'scheduled'

export interface Call {
  target: { resource: number } | { unconfigured: number }
  plan: Plan
  body: 'none' | 'string' | 'stream'
  abort: Abort
  /** The caller sends its own Authorization: the request must be left alone. */
  own: boolean
}

export interface World {
  calls: Call[]
  /**
   * Provider outcome per call, cycled: a token; a rejection (Error, InteractionRequiredError); a
   * synchronous throw; a resolution without a token.
   */
  provider: ('ok' | 'error' | 'interaction' | 'throw' | 'empty')[]
  /** The provider rejects with the signal's reason once aborted (MSAL would not). */
  providerHonoursAbort: boolean
  /** The provider hands out tokens already expired: every request asks again. */
  expired: boolean
  /** The `onEvent` listener throws on every event. */
  listenerThrows: boolean
}

/** What the fake server saw of one send. */
export interface Send {
  id: number
  url: string
  authorization: string | null
  body: string
  status: number | 'network'
  /** The challenge key of a claims or step-up challenge this send was answered with. */
  challengeKey?: string
}

interface Issued {
  scopes: string
  claims: string | undefined
  acr: string | undefined
}

export const scopesKey = (scopes: readonly string[]) => [...scopes].sort().join(' ')

function resourceOf(url: string): (typeof RESOURCES)[number] | undefined {
  return RESOURCES.find((r) => url === r.url || url.startsWith(`${r.url}/`))
}

export function urlOf(call: Call, id: number): string {
  const base =
    'resource' in call.target
      ? `${RESOURCES[call.target.resource]?.url}/items`
      : UNCONFIGURED[call.target.unconfigured]
  return `${base}?id=${id}`
}

/** The fake server, provider and bookkeeping of one run. */
export function createWorld(world: World, s: fc.Scheduler) {
  const sends: Send[] = []
  const issued = new Map<string, Issued>()
  const providerCalls: TokenRequest[] = []
  const violations: string[] = []
  const active: { key: string; signal: AbortSignal | undefined }[] = []

  /** Decides the response to a send, as a server that checks tokens would. */
  function decide(call: Call, url: string, authorization: string | null) {
    const { plan } = call
    if (plan.kind === 'network') return { status: 'network' as const }
    const resource = resourceOf(url)
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined
    const grant = token === undefined ? undefined : issued.get(token)
    const validFor =
      resource !== undefined && grant !== undefined && grant.scopes === scopesKey(resource.scopes)
    if (plan.kind === 'ok') return { status: 200 }
    if (plan.kind === 'plain-401') return { status: 401, header: 'Bearer realm=""' }
    if (plan.kind === 'always' || plan.kind === 'claims') {
      // Outside the resources the claims are labelled so that they can be recognised if leaked.
      const label =
        resource === undefined ? `leak-${url}` : plan.kind === 'always' ? 'never' : plan.label
      const claims = claimsFor(label)
      if (plan.kind === 'claims' && validFor && grant?.claims === claims) return { status: 200 }
      return {
        status: 401,
        header: `Bearer realm="", error="insufficient_claims", claims="${b64(claims)}"`,
        challengeKey: `c ${claims}`,
      }
    }
    if (validFor && grant?.acr === plan.acr) return { status: 200 }
    return {
      status: 401,
      header: `Bearer error="insufficient_user_authentication", acr_values="${plan.acr}"`,
      challengeKey: `s ${plan.acr}`,
    }
  }

  /** One send: recorded, answered when the scheduler says, rejected at once when aborted. */
  async function serve(
    call: Call,
    id: number,
    url: string,
    authorization: string | null,
    body: string,
    signal: AbortSignal | undefined,
  ) {
    const decision = decide(call, url, authorization)
    const send: Send = { id, url, authorization, body, status: decision.status }
    if ('challengeKey' in decision) send.challengeKey = decision.challengeKey
    sends.push(send)
    const answered = s.schedule(Promise.resolve(decision), `response ${id}`)
    if (signal === undefined) return answered
    if (signal.aborted) throw signal.reason
    return new Promise<typeof decision>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
      answered.then(resolve, reject)
    })
  }

  let tokens = 0
  let calls = 0
  /** A token request: checked for overlap, released when the scheduler says, then answered. */
  async function acquire(request: TokenRequest, outcome: World['provider'][number] | undefined) {
    const key = `${scopesKey(request.scopes)}\n${request.claims ?? ''}\n${request.stepUp?.acrValues?.join(' ') ?? ''}`
    for (const other of active) {
      if (other.key === key && !other.signal?.aborted) {
        violations.push(`two provider calls at once for ${JSON.stringify(key)}`)
      }
    }
    const entry = { key, signal: request.signal }
    active.push(entry)
    try {
      const done = s.schedule(Promise.resolve(), `provider ${calls}`)
      const { signal } = request
      await (world.providerHonoursAbort && signal !== undefined
        ? new Promise<void>((resolve, reject) => {
            if (signal.aborted) reject(signal.reason)
            signal.addEventListener('abort', () => reject(signal.reason), { once: true })
            done.then(resolve, reject)
          })
        : done)
      if (outcome === 'error') throw new Error('provider unavailable')
      if (outcome === 'interaction') {
        throw new InteractionRequiredError('sign in again', {
          claims: request.claims,
        })
      }
      if (outcome === 'empty') return { token: '' }
      const token = `t${++tokens}`
      issued.set(token, {
        scopes: scopesKey(request.scopes),
        claims: request.claims,
        acr: request.stepUp?.acrValues?.join(' '),
      })
      return { token, expiresOn: world.expired ? Date.now() - 1000 : Date.now() + 3_600_000 }
    } finally {
      active.splice(active.indexOf(entry), 1)
    }
  }

  const tokenProvider: CaeOptions['tokenProvider'] = {
    // Not async: a provider may also throw before returning a promise.
    getToken(request) {
      providerCalls.push(request)
      const outcome = world.provider[calls++ % world.provider.length]
      if (outcome === 'throw') throw new Error('provider threw')
      return acquire(request, outcome)
    },
  }

  const options: CaeOptions = {
    tokenProvider,
    resources: RESOURCES.map((r) => ({ url: r.url, scopes: [...r.scopes] })),
  }
  if (world.listenerThrows) {
    options.onEvent = () => {
      throw new Error('listener failed')
    }
  }
  return { sends, issued, providerCalls, violations, serve, options }
}

/** One run's fake server, provider and records. */
export type FuzzWorld = ReturnType<typeof createWorld>
