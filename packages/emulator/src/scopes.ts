/** Maps requested scopes to one resource (the CAE API, a client's API, or Graph for sign-in only). */
import { API_APP_ID, API_APP_ROLE, API_DELEGATED_SCOPES, API_IDENTIFIER_URI } from './defaults'
import type { State } from './state'

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000'
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email'])

export type Resource = {
  appId: string
  /** Short scope names (`Messages.ReadWrite`). */
  scopes: string[]
  roles: string[]
}

export type ScopeGrant = {
  resource: Resource
  /** Delegated scope names for `scp`. */
  scp: string[]
  /** Requested resource scopes as sent (echoed as the response `scope`). */
  requested: string[]
  /** Whether `.default` was requested. */
  isDefault: boolean
  offlineAccess: boolean
  openid: boolean
}

export type ScopeResult =
  | { ok: true; grant: ScopeGrant }
  | { ok: false; error: 'invalid_scope' | 'invalid_resource'; code: number; description: string }

const apiScopeNames = API_DELEGATED_SCOPES.map((s) => s.slice(API_IDENTIFIER_URI.length + 1))

function findResource(state: State, identifier: string): Resource | undefined {
  if ([API_IDENTIFIER_URI, `api://${API_APP_ID}`, API_APP_ID].includes(identifier)) {
    return { appId: API_APP_ID, scopes: apiScopeNames, roles: [API_APP_ROLE] }
  }
  if (identifier === 'https://graph.microsoft.com' || identifier === GRAPH_APP_ID) {
    return { appId: GRAPH_APP_ID, scopes: ['User.Read', 'openid', 'profile', 'email'], roles: [] }
  }
  const clientId = identifier.startsWith('api://') ? identifier.slice(6) : identifier
  if (state.clients.has(clientId)) return { appId: clientId, scopes: ['access_as_user'], roles: [] }
  return undefined
}

/**
 * Resolves a scope list. Like Entra: one resource per request, `.default` means everything
 * consented (here: everything), a request with only OIDC scopes gets a Graph token.
 */
export function resolveScopes(state: State, scopes: string[]): ScopeResult {
  const requested = scopes.filter((s) => !OIDC_SCOPES.has(s.toLowerCase()))
  const offlineAccess = scopes.some((s) => s.toLowerCase() === 'offline_access')
  const openid = scopes.some((s) => s.toLowerCase() === 'openid')
  if (requested.length === 0) {
    const resource = findResource(state, GRAPH_APP_ID) as Resource
    const scp = ['openid', 'profile', 'email', 'User.Read']
    return {
      ok: true,
      grant: { resource, scp, requested, isDefault: false, offlineAccess, openid },
    }
  }
  let resource: Resource | undefined
  let identifier: string | undefined
  const scp: string[] = []
  let isDefault = false
  for (const scope of requested) {
    const slash = scope.lastIndexOf('/')
    const id = slash > 0 ? scope.slice(0, slash) : 'https://graph.microsoft.com'
    const name = slash > 0 ? scope.slice(slash + 1) : scope
    if (identifier !== undefined && identifier !== id) {
      return {
        ok: false,
        error: 'invalid_scope',
        code: 28000,
        description: `AADSTS28000: Provided value for the input parameter scope '${scopes.join(' ')}' is not valid because it contains more than one resource.`,
      }
    }
    identifier = id
    resource = findResource(state, id)
    if (!resource) {
      return {
        ok: false,
        error: 'invalid_resource',
        code: 500011,
        description: `AADSTS500011: The resource principal named ${id} was not found in the tenant.`,
      }
    }
    if (name === '.default') {
      isDefault = true
      scp.push(...resource.scopes)
    } else if (resource.scopes.includes(name)) {
      scp.push(name)
    } else {
      return {
        ok: false,
        error: 'invalid_scope',
        code: 70011,
        description: `AADSTS70011: The application asked for scope '${name}' that doesn't exist on the resource '${resource.appId}'.`,
      }
    }
  }
  return {
    ok: true,
    grant: {
      resource: resource as Resource,
      scp: [...new Set(scp)],
      requested,
      isDefault,
      offlineAccess,
      openid,
    },
  }
}
