/**
 * CORS: msal-browser fetches discovery and POSTs /token cross-origin; SPAs call the API with an
 * Authorization header (preflight) and must be able to read WWW-Authenticate.
 */
import { isAdminOrigin } from './admin-guard'
import type { Context } from './context'
import { isLoopbackUrl } from './util'

const EXPOSED = 'WWW-Authenticate, Retry-After, Location, Content-Type'

/**
 * The request origin when it may read responses: loopback, a redirect-URI origin, or configured.
 * Admin answers (logged request bodies, events) only to the callers `/admin/*` accepts.
 */
export function allowedOrigin(ctx: Context, request: Request): string | undefined {
  const origin = request.headers.get('origin')
  if (!origin || origin === 'null') return undefined
  const url = new URL(request.url)
  if (url.pathname.startsWith('/admin/')) {
    return isAdminOrigin(ctx, origin, url.origin) ? origin : undefined
  }
  if (ctx.config.corsOrigins.includes('*') || ctx.config.corsOrigins.includes(origin)) return origin
  if (isLoopbackUrl(origin)) return origin
  for (const client of ctx.state.clients.values()) {
    for (const uri of client.redirectUris) {
      try {
        if (new URL(uri).origin === origin) return origin
      } catch {
        // an unparsable registered URI allows nothing
      }
    }
  }
  return undefined
}

/** Answers an OPTIONS preflight (any path). */
export function preflight(ctx: Context, request: Request): Response {
  const response = new Response(null, { status: 204 })
  const origin = allowedOrigin(ctx, request)
  response.headers.set('vary', 'Origin')
  if (origin) {
    response.headers.set('access-control-allow-origin', origin)
    response.headers.set('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
    response.headers.set(
      'access-control-allow-headers',
      request.headers.get('access-control-request-headers') ?? 'Authorization, Content-Type',
    )
    response.headers.set('access-control-max-age', '600')
  }
  return response
}

/** Adds CORS headers to an actual response. */
export function withCors(ctx: Context, request: Request, response: Response): Response {
  const origin = allowedOrigin(ctx, request)
  response.headers.append('vary', 'Origin')
  if (origin) {
    response.headers.set('access-control-allow-origin', origin)
    response.headers.set('access-control-expose-headers', EXPOSED)
  }
  return response
}
