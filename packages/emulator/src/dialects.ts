/**
 * Resource dialects: how Microsoft Graph, Azure Resource Manager and Key Vault word a CAE
 * challenge (`WWW-Authenticate` and 401 body), each in the forms captured from real traffic.
 * The README's fidelity table names the source of every form.
 */
import type { Context } from './context'
import { API_IDENTIFIER_URI } from './defaults'
import type { ChallengeCause, ResourceDialect } from './types'
import { base64Text, randomGuid } from './util'

/** Microsoft Graph's application id, the `client_id` of its challenges. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000'

/**
 * Header variants of each dialect; the first is the default (the most common captured form).
 * - graph `recorded`: the 2021 recording (`realm=""`, common `authorization_uri`, Graph's `client_id`,
 *   no `error_description`); `unquoted-uri`: `authorization_uri` unquoted and `errorDescription`
 *   after `claims`; `pop`: a `PoP` challenge before the Bearer one, `error_description` before `error`.
 * - arm `recorded`: `invalid_token`, no `realm` or `client_id`, padded claims for revoked sessions
 *   and unpadded ones for the IP policy; `unpadded`: every claims value unpadded.
 * - keyvault `recorded`: `insufficient_claims`, no `client_id`, `xms_caeerror` in the claims.
 */
export const CHALLENGE_VARIANTS: Readonly<Record<ResourceDialect, readonly string[]>> = {
  graph: ['recorded', 'unquoted-uri', 'pop'],
  arm: ['recorded', 'unpadded'],
  keyvault: ['recorded'],
}

/** What the API decided about a token, before a dialect words it. */
export type CaeDecision = {
  kind: 'event' | 'location' | 'authContext'
  cause: ChallengeCause
  /** Epoch ms of the event: the `nbf` the new token must satisfy. */
  at: number
  /** The client's new address (location). */
  ipAddress?: string
  /** The required authentication context (authContext). */
  authContext?: string
}

/** A challenge as the dialect sends it. */
export type RenderedChallenge = {
  status: 401
  header: string
  body: Record<string, unknown>
  /** The claims request (JSON text) inside the header. */
  claims: string
  error: 'insufficient_claims' | 'invalid_token'
  variant: string
}

const CAE_TEXT =
  'Continuous access evaluation resulted in challenge with result: InteractionRequired'
const IP_POLICY_TEXT = 'Tenant IP Policy validate failed.'

/** base64 of the text, padded (Graph, Key Vault, ARM sessions) or not (ARM's IP policy). */
function encode(text: string, padded: boolean): string {
  const value = base64Text(text)
  return padded ? value : value.replace(/=+$/, '')
}

const seconds = (ms: number) => Math.floor(Math.max(ms, 0) / 1000)

/** The claims request of a decision in the dialect's words. */
function claimsOf(dialect: ResourceDialect, decision: CaeDecision): string {
  const nbf = seconds(decision.at)
  if (decision.kind === 'authContext') {
    return `{"access_token":{"acrs":{"essential":true,"value":"${decision.authContext}"}}}`
  }
  if (decision.kind === 'location') {
    return `{"access_token":{"nbf":{"essential":true,"value":"${nbf}"},"xms_rp_ipaddr":{"value":"${decision.ipAddress}"}}}`
  }
  // Graph and ARM write `"essential":true, "value"` with a space (2021 recording, ARM fixtures).
  if (dialect === 'keyvault') {
    return `{"access_token":{"nbf":{"essential":true,"value":"${nbf}"},"xms_caeerror":{"value":"10012"}}}`
  }
  return `{"access_token":{"nbf":{"essential":true, "value":"${nbf}"}}}`
}

function pickVariant(ctx: Context): string {
  const variants = CHALLENGE_VARIANTS[ctx.config.resource]
  const wanted = ctx.state.variants.challenge
  if (wanted === 'random') {
    return variants[Math.floor(ctx.state.random.next() * variants.length)] ?? 'recorded'
  }
  return wanted && wanted !== 'default' && variants.includes(wanted) ? wanted : 'recorded'
}

type Param = [name: string, value: string, quoted?: boolean]

const join = (scheme: string, params: Param[]) =>
  `${scheme} ${params.map(([n, v, q = true]) => (q ? `${n}="${v}"` : `${n}=${v}`)).join(', ')}`

/** Graph's 401 body (2021 recording): the cause is in the message, not in the header. */
function graphBody(ctx: Context, message: string) {
  const innerError = {
    date: new Date(ctx.config.now()).toISOString().slice(0, 19),
    'request-id': randomGuid(),
    'client-request-id': randomGuid(),
  }
  return { error: { code: 'InvalidAuthenticationToken', message, innerError } }
}

/** ARM's 401 body (Azure PowerShell test fixtures). */
const armBody = (message: string) => ({ error: { code: 'AuthenticationFailed', message } })
/** Key Vault's 401 body (azure-sdk-for-js recordings). */
const keyVaultBody = (message: string) => ({ error: { code: 'Unauthorized', message } })

function renderGraph(ctx: Context, origin: string, decision: CaeDecision, variant: string) {
  const claims = claimsOf('graph', decision)
  const location =
    decision.kind === 'location' && ctx.state.variants.graphLocation !== 'insufficient_claims'
  const error = location ? ('invalid_token' as const) : ('insufficient_claims' as const)
  const description = location ? IP_POLICY_TEXT : `${CAE_TEXT} and code: ${decision.cause}`
  const authorizeUri = `${origin}/common/oauth2/authorize`
  const base: Param[] = [
    ['realm', ''],
    ['authorization_uri', authorizeUri, variant !== 'unquoted-uri'],
    ['client_id', GRAPH_APP_ID],
  ]
  const encoded = encode(claims, true)
  let header: string
  if (variant === 'pop') {
    const pop = join('PoP', [...base, ['nonce', encode(randomGuid(), true)]])
    const bearer = join('Bearer', [
      ...base,
      ['error_description', description],
      ['error', error],
      ['claims', encoded],
    ])
    header = `${pop}, ${bearer}`
  } else if (variant === 'unquoted-uri') {
    header = join('Bearer', [
      ...base,
      ['error', error],
      ['claims', encoded],
      ['errorDescription', description],
    ])
  } else {
    const described: Param[] = location ? [['error_description', description]] : []
    header = join('Bearer', [...base, ['error', error], ...described, ['claims', encoded]])
  }
  const message = `Continuous access evaluation resulted in claims challenge with result: InteractionRequired and code: ${decision.cause}`
  return { header, claims, error, body: graphBody(ctx, message) }
}

function renderArm(origin: string, decision: CaeDecision, variant: string) {
  const claims = claimsOf('arm', decision)
  const location = decision.kind === 'location'
  const description = location ? IP_POLICY_TEXT : 'User session has been revoked'
  // Captured: padded claims for revoked sessions, unpadded for the IP policy.
  const padded = variant === 'recorded' && !location
  const header = join('Bearer', [
    ['authorization_uri', `${origin}/`],
    ['error', 'invalid_token'],
    ['error_description', description],
    ['claims', encode(claims, padded)],
  ])
  return { header, claims, error: 'invalid_token' as const, body: armBody(description) }
}

function renderKeyVault(origin: string, decision: CaeDecision) {
  const claims = claimsOf('keyvault', decision)
  const header = join('Bearer', [
    ['realm', ''],
    ['authorization_uri', `${origin}/common/oauth2/authorize`],
    ['error', 'insufficient_claims'],
    ['claims', encode(claims, true)],
  ])
  const message = `${CAE_TEXT} and code: ${decision.cause}`
  return { header, claims, error: 'insufficient_claims' as const, body: keyVaultBody(message) }
}

/**
 * An auth-context challenge, the same for every dialect (the authentication-context developer
 * guide): the API's own `client_id` and `cc_type="authcontext"`.
 */
function renderAuthContext(ctx: Context, origin: string, decision: CaeDecision) {
  const claims = claimsOf(ctx.config.resource, decision)
  const header = join('Bearer', [
    ['realm', ''],
    ['authorization_uri', `${origin}/common/oauth2/authorize`],
    ['client_id', ctx.config.apiAppId],
    ['error', 'insufficient_claims'],
    ['claims', encode(claims, true)],
    ['cc_type', 'authcontext'],
  ])
  const message = `The resource requires authentication context ${decision.authContext}.`
  return { header, claims, error: 'insufficient_claims' as const, body: graphBody(ctx, message) }
}

/** Words a CAE decision in the emulator's resource dialect (variant by the current settings). */
export function renderChallenge(
  ctx: Context,
  origin: string,
  decision: CaeDecision,
): RenderedChallenge {
  if (decision.kind === 'authContext') {
    return { status: 401, variant: 'doc', ...renderAuthContext(ctx, origin, decision) }
  }
  const variant = pickVariant(ctx)
  const dialect = ctx.config.resource
  const rendered =
    dialect === 'arm'
      ? renderArm(origin, decision, variant)
      : dialect === 'keyvault'
        ? renderKeyVault(origin, decision)
        : renderGraph(ctx, origin, decision, variant)
  return { status: 401, variant, ...rendered }
}

/** The 401 for a request without a token, or with one that does not verify. */
export function renderUnauthenticated(
  ctx: Context,
  origin: string,
  failure?: { description: string },
): { header: string; body: Record<string, unknown> } {
  const dialect = ctx.config.resource
  if (dialect === 'arm') {
    const description =
      failure?.description ?? "The authentication failed because of missing 'Authorization' header."
    return {
      header: join('Bearer', [
        ['authorization_uri', `${origin}/`],
        ['error', 'invalid_token'],
        ['error_description', description],
      ]),
      body: armBody(failure ? description : 'Authentication failed.'),
    }
  }
  if (dialect === 'keyvault') {
    const params: Param[] = [
      ['authorization', `${origin}/${ctx.config.tenantId}`],
      ['resource', API_IDENTIFIER_URI],
    ]
    if (failure) params.push(['error', 'invalid_token'])
    return {
      header: join('Bearer', params),
      body: keyVaultBody(failure?.description ?? 'Request is missing a Bearer or PoP token.'),
    }
  }
  const params: Param[] = [
    ['realm', ''],
    ['authorization_uri', `${origin}/common/oauth2/authorize`],
    ['client_id', GRAPH_APP_ID],
  ]
  if (failure) params.push(['error', 'invalid_token'], ['error_description', failure.description])
  return {
    header: join('Bearer', params),
    body: graphBody(ctx, failure?.description ?? 'Access token is empty.'),
  }
}
