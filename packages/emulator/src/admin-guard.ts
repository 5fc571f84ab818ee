/**
 * Who may call `/admin/*` over HTTP. The emulator runs on a developer's machine: a page they visit
 * must not reset a password or read logged request bodies. Admin writes and reads accept the same
 * callers: the emulator's own pages, the registered SPA origins (redirect URIs of registered
 * clients, plus `corsOrigins` named one by one), and non-browser clients (no `Origin`, no
 * cross-site `Sec-Fetch-Site`). A body is absent or `application/json`.
 */
import type { Context } from './context'
import { json } from './util'

/** The origins of the registered redirect URIs and of the explicitly configured CORS origins. */
const registeredOrigins = (ctx: Context): Set<string> => {
  const origins = new Set(ctx.config.corsOrigins.filter((origin) => origin !== '*'))
  for (const client of ctx.state.clients.values()) {
    for (const uri of client.redirectUris) {
      try {
        origins.add(new URL(uri).origin)
      } catch {
        // an unparsable registered URI allows nothing
      }
    }
  }
  return origins
}

/**
 * Tells whether a browser page of `origin` may call the admin operations of the emulator serving
 * `ownOrigin` (and read their answers through CORS).
 */
export const isAdminOrigin = (ctx: Context, origin: string, ownOrigin: string): boolean =>
  origin === ownOrigin || registeredOrigins(ctx).has(origin)

/** The media type of a Content-Type value, lower case, without parameters. */
const mediaType = (value: string): string => value.split(';', 1)[0]?.trim().toLowerCase() ?? ''

/**
 * Checks an admin request before it runs.
 *
 * @param ctx - The emulator context (registered clients, configured origins).
 * @param request - The admin request; its URL's origin is the emulator's own.
 * @param body - The request body text ('' when absent).
 * @returns undefined when the caller may proceed, else the refusal: 403 `forbidden_origin` for a
 * page of another origin (or a cross-site request without `Origin`), 415 `unsupported_media_type`
 * for a body that is not declared `application/json`.
 */
export function refuseAdminCaller(
  ctx: Context,
  request: Request,
  body: string,
): Response | undefined {
  const origin = request.headers.get('origin')
  const own = new URL(request.url).origin
  const site = request.headers.get('sec-fetch-site')
  const crossSite = site !== null && site !== 'same-origin' && site !== 'none'
  if (origin === null ? crossSite : !isAdminOrigin(ctx, origin, own)) {
    return json(
      {
        error: 'forbidden_origin',
        message: `admin operations accept the emulator's own pages, registered SPA origins and non-browser clients, not ${origin ?? `a ${site} request`}`,
      },
      403,
    )
  }
  const type = request.headers.get('content-type')
  if ((type !== null && mediaType(type) !== 'application/json') || (type === null && body !== '')) {
    return json(
      {
        error: 'unsupported_media_type',
        message: 'an admin request body must be sent as application/json',
      },
      415,
    )
  }
  return undefined
}
