/**
 * Protected resources, parsed once at setup so matching a request is one URL parse and a few
 * string comparisons.
 *
 * @module
 */

import { invalidOption } from './invalid-option'

/** A resource as configured: an origin, or an origin plus a path prefix, and its scopes. */
export interface CaeResource {
  /**
   * `https://host[:port]` or `https://host[:port]/path/prefix`. A prefix matches on path-segment
   * boundaries: `https://api.test/v1` covers `/v1` and `/v1/me`, never `/v10`.
   */
  url: string
  /** Scopes of the token sent to this resource (non-empty). */
  scopes: string[]
}

/** A configured resource after validation. */
export interface ResolvedResource {
  /** Lowercased serialized origin, as `URL#origin` gives it. */
  readonly origin: string
  /**
   * The origin and path prefix, without trailing slash (the origin alone for a whole origin): a
   * canonical URL string starting with it (on a boundary) is inside.
   */
  readonly prefix: string
  /** Scopes as configured, frozen copy. */
  readonly scopes: readonly string[]
  /** Normalized scopes (sorted, unique, space-joined): the key of the token cache. */
  readonly scopesKey: string
  /**
   * A same-origin URL can lie outside it: it has a path prefix, or another resource shares its
   * origin. fetch keeps `Authorization` on same-origin redirects, so those must be checked hop
   * by hop.
   */
  narrowerThanOrigin: boolean
}

/** Sorted, de-duplicated, space-joined scopes: equal sets of scopes share one token. */
export function normalizeScopes(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(' ')
}

/** A URL's origin and path, without query or fragment: what resources are matched on. */
export function originAndPath(url: URL): string {
  return url.origin + url.pathname
}

function resolveOne(resource: unknown, index: number): ResolvedResource {
  const { url, scopes } = (resource ?? {}) as Partial<CaeResource>
  let parsed: URL | undefined
  try {
    parsed = new URL(url as string)
  } catch {}
  // A resource is an origin or an origin + path prefix, so its URL serializes to its origin and
  // path alone: a query, fragment or credentials would never match anything the way a reader of
  // the options expects.
  if (
    typeof url !== 'string' ||
    !parsed ||
    !/^https?:/.test(parsed.href) ||
    originAndPath(parsed) !== parsed.href
  ) {
    invalidOption(`resources[${index}].url`, 'an http(s) origin or origin + path')
  }
  if (
    !Array.isArray(scopes) ||
    !scopes.length ||
    !scopes.every((scope) => typeof scope === 'string' && scope.trim())
  ) {
    invalidOption(`resources[${index}].scopes`, 'a non-empty array of non-empty strings')
  }
  return {
    origin: parsed.origin,
    // The URL is its origin and path (checked above): without the trailing slash, the prefix.
    prefix: parsed.href.replace(/\/+$/, ''),
    scopes: Object.freeze([...scopes]),
    scopesKey: normalizeScopes(scopes),
    narrowerThanOrigin: false,
  }
}

/**
 * Validates and parses the configured resources, most specific (longest path) first.
 *
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) for an empty list, a URL that is not an
 *   absolute http(s) origin or origin + path, empty scopes, or the same URL twice.
 */
export function resolveResources(resources: unknown): ResolvedResource[] {
  if (!Array.isArray(resources) || resources.length === 0) {
    invalidOption('resources', 'a non-empty array of { url, scopes }')
  }
  const resolved = resources.map(resolveOne)
  for (const resource of resolved) {
    const { origin, prefix } = resource
    if (resolved.some((other) => other !== resource && other.prefix === prefix)) {
      invalidOption('resources', `to list ${prefix} once`)
    }
    resource.narrowerThanOrigin = resolved.some(
      (other) => other.origin === origin && other.prefix !== origin,
    )
  }
  // Resources containing one URL share its origin: the longest prefix is the longest path.
  return resolved.sort((a, b) => b.prefix.length - a.prefix.length)
}

/**
 * The first resource whose `origin + path` starts `href` on a boundary: followed by `/`, `?`,
 * `#` or nothing (`charAt` past the end is `''`, which every string includes).
 */
function findByPrefix(
  resources: readonly ResolvedResource[],
  href: string,
): ResolvedResource | undefined {
  for (const resource of resources) {
    const { prefix } = resource
    if (href.startsWith(prefix) && '/?#'.includes(href.charAt(prefix.length))) return resource
  }
  return undefined
}

/**
 * Parses a request URL the way fetch would: absolute, or relative to the page in a browser.
 * Returns `undefined` for anything that does not parse (such a request is passed through).
 */
export function parseRequestUrl(url: string | URL): URL | undefined {
  if (typeof url !== 'string') return url
  try {
    return new URL(url, globalThis.location?.href)
  } catch {
    return undefined
  }
}

/**
 * Matches what the URL parser may rewrite before `?` or `#`: a dot segment (`/.`, `%2e`), a
 * backslash, whitespace or a control character. A lazy run that stops at `?` or `#`, trying the
 * alternatives once per character: linear time.
 */
const REWRITTEN = /^[^?#]*?(?:\/\.|%2e|[\\\0- \x7f])/i

/**
 * Returns the most specific configured resource containing `url`, or `undefined`.
 *
 * Fast path for the common case, an absolute URL string already in canonical form: it starts with
 * a resource's `origin + path` on a boundary, and holds nothing the parser would rewrite, so no
 * `new URL()` is needed. Anything else (other case, default port, dot segments, relative URLs,
 * other origins) goes through the URL parser, which decides.
 */
export function findResource(
  resources: readonly ResolvedResource[],
  url: string | URL,
): ResolvedResource | undefined {
  const found = typeof url === 'string' && !REWRITTEN.test(url) && findByPrefix(resources, url)
  if (found) return found
  // A parsed URL's origin and path are canonical: the same prefix test decides.
  const parsed = parseRequestUrl(url)
  return parsed && findByPrefix(resources, originAndPath(parsed))
}
