/** OpenID discovery, JWKS and the instance discovery endpoint MSAL calls for unknown hosts. */
import { type Context, issuer } from './context'
import { json } from './util'

/** GET /{tenant}/v2.0/.well-known/openid-configuration (also /{tenant}/.well-known/...). */
export function openidConfiguration(ctx: Context, origin: string, tenant: string): Response {
  const base = `${origin}/${tenant}`
  const multiTenant = ['common', 'organizations'].includes(tenant.toLowerCase())
  const host = new URL(origin).host
  return json({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'client_secret_basic',
      'private_key_jwt',
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    // Entra publishes a template issuer for the multi-tenant aliases; MSAL checks only its host.
    issuer: multiTenant ? `${origin}/{tenantid}/v2.0` : issuer(ctx, origin),
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    code_challenge_methods_supported: ['S256'],
    claims_parameter_supported: true,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'oid',
      'acrs',
      'xms_cc',
    ],
    tenant_region_scope: 'NA',
    cloud_instance_name: host,
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  })
}

/** GET /{tenant}/discovery/v2.0/keys */
export async function jwks(ctx: Context): Promise<Response> {
  return json((await ctx.keys()).jwks)
}

/**
 * GET /common/discovery/instance: what MSAL calls when the host is neither hard-coded nor in
 * `knownAuthorities` (e.g. msw tests that use login.microsoftonline.com as the base URL).
 */
export function instanceDiscovery(ctx: Context, origin: string, url: URL): Response {
  const host = new URL(origin).host
  let tenant = ctx.config.tenantId
  const endpoint = url.searchParams.get('authorization_endpoint')
  if (endpoint) {
    try {
      tenant = new URL(endpoint).pathname.split('/').filter(Boolean)[0] ?? tenant
    } catch {
      // keep the default tenant
    }
  }
  return json({
    tenant_discovery_endpoint: `${origin}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  })
}
