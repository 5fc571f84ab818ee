/** createEmulator(): the router over the authority, the API and the admin endpoints. */
import { handleAdminHttp } from './admin-http'
import { handleAuthorize, handleLogout } from './authorize'
import { type Context, isTenant } from './context'
import { createAdmin } from './control'
import { preflight, withCors } from './cors'
import { API_APP_SCOPE, API_DELEGATED_SCOPES } from './defaults'
import { instanceDiscovery, jwks, openidConfiguration } from './discovery'
import { handleApi } from './resource'
import { handleSignIn } from './sign-in'
import { createState, createTicker, isConfidential, resolveConfig } from './state'
import { handleToken } from './token-endpoint'
import { createSigningKeys } from './tokens'
import type { Emulator, EmulatorAdmin, EmulatorOptions, EmulatorUrls } from './types'
import { json } from './util'

async function route(ctx: Context, admin: EmulatorAdmin, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const { origin, pathname } = url
  const method = request.method.toUpperCase()
  if (method === 'OPTIONS') return preflight(ctx, request)
  const { apiPath } = ctx.config
  if (pathname === apiPath || pathname.startsWith(`${apiPath}/`)) {
    return handleApi(ctx, request, origin, pathname.slice(apiPath.length) || '/')
  }
  const segments = pathname.split('/').filter(Boolean)
  const [first = '', ...rest] = segments
  if (first === 'admin' && rest.length === 1)
    return handleAdminHttp(ctx, admin, request, rest[0] ?? '')
  if (segments.length === 0) {
    return json({
      name: 'cae-emulator',
      tenantId: ctx.config.tenantId,
      ...urlsFor(ctx, origin),
      users: [...ctx.state.users.keys()],
    })
  }
  if (!isTenant(ctx, first)) {
    return json(
      {
        error: 'invalid_tenant',
        error_description: `AADSTS90002: Tenant '${first}' not found.`,
        error_codes: [90002],
      },
      400,
    )
  }
  const key = `${method} ${rest.join('/')}`
  switch (key) {
    case 'GET v2.0/.well-known/openid-configuration':
    case 'GET .well-known/openid-configuration':
      return openidConfiguration(ctx, origin, first)
    case 'GET discovery/v2.0/keys':
    case 'GET discovery/keys':
      return jwks(ctx)
    case 'GET discovery/instance':
      return instanceDiscovery(ctx, origin, url)
    case 'GET oauth2/v2.0/authorize':
      return handleAuthorize(ctx, request, origin, first, url)
    case 'POST login':
      return handleSignIn(ctx, request, origin)
    case 'POST oauth2/v2.0/token':
      return handleToken(ctx, request, origin)
    case 'GET oauth2/v2.0/logout':
    case 'POST oauth2/v2.0/logout':
      return handleLogout(ctx, request, origin, url)
    default:
      return json({ error: 'not_found', error_description: `No endpoint ${key}.` }, 404)
  }
}

function urlsFor(ctx: Context, origin: string): EmulatorUrls {
  const url = new URL(origin).origin
  return {
    url,
    authority: `${url}/${ctx.config.tenantId}`,
    apiUrl: `${url}${ctx.config.apiPath}`,
    knownAuthority: new URL(origin).host,
  }
}

/**
 * Creates an in-memory Entra ID authority and CAE-enabled API as one fetch-style handler.
 * Platform-neutral (WebCrypto): usable behind msw in Node or a browser, or behind startEmulator().
 *
 * @param options - Seeds and knobs; every field is optional (see {@link EmulatorOptions}).
 * @returns The emulator: `handle(request)` never rejects (a bug becomes a 500 JSON response).
 * @example
 * ```ts
 * const emulator = createEmulator()
 * const res = await emulator.handle(new Request('https://login.test/' + emulator.tenantId + '/v2.0/.well-known/openid-configuration'))
 * emulator.admin.revokeSessions('alice@contoso.test')
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const config = resolveConfig(options)
  const state = createState(config)
  const ticker = createTicker(config.now)
  const keys = createSigningKeys()
  // Avoid an unhandled rejection if nobody ever calls handle(); handle() surfaces the failure.
  keys.catch(() => undefined)
  const ctx: Context = {
    config,
    state,
    tick: ticker.tick,
    generation: ticker.generation,
    keys: () => keys,
  }
  const admin = createAdmin(ctx, ticker.rewind)
  return {
    async handle(request) {
      let response: Response
      try {
        await keys
        response = await route(ctx, admin, request)
      } catch (error) {
        response = json({ error: 'server_error', error_description: String(error) }, 500)
      }
      return withCors(ctx, request, response)
    },
    admin,
    tenantId: config.tenantId,
    apiPath: config.apiPath,
    apiScopes: { app: API_APP_SCOPE, delegated: [...API_DELEGATED_SCOPES] },
    mfaCode: config.mfaCode,
    resource: config.resource,
    seed: config.seed,
    get users() {
      return [...state.users.values()].map(({ username, password, displayName, oid }) => ({
        username,
        password,
        displayName,
        oid,
      }))
    },
    get clients() {
      return [...state.clients.values()].map((c) => ({
        clientId: c.clientId,
        ...(c.clientSecret === undefined ? {} : { clientSecret: c.clientSecret }),
        certificates: [...c.certificates],
        displayName: c.displayName,
        kind: isConfidential(c) ? ('confidential' as const) : ('public' as const),
        redirectUris: [...c.redirectUris],
      }))
    },
    urls: (origin) => urlsFor(ctx, origin),
    ready: async () => {
      await keys
    },
  }
}
