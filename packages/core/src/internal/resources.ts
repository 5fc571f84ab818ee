/**
 * Protected resources, parsed once at setup so matching a request is one URL parse and a few
 * string comparisons.
 *
 * @module
 */

import { CaeOptionsError } from '../errors'

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
  /** The resource as configured (same object the caller passed). */
  readonly resource: CaeResource
  /** Lowercased serialized origin, as `URL#origin` gives it. */
  readonly origin: string
  /** Path prefix without trailing slash; `''` for a whole origin. */
  readonly path: string
  /** Scopes as configured, frozen copy. */
  readonly scopes: readonly string[]
  /** Normalized scopes (sorted, unique, space-joined): the key of the token cache. */
  readonly scopesKey: string
  /** `origin + path`: a canonical URL string starting with it (on a boundary) is inside. */
  readonly prefix: string
}

/** Sorted, de-duplicated, space-joined scopes: equal sets of scopes share one token. */
export function normalizeScopes(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(' ')
}

function invalid(message: string): CaeOptionsError {
  return new CaeOptionsError(message)
}

function resolveOne(resource: unknown, index: number): ResolvedResource {
  const where = `resources[${index}]`
  if (typeof resource !== 'object' || resource === null)
    throw invalid(`"${where}" must be an object`)
  const { url, scopes } = resource as Partial<CaeResource>
  if (typeof url !== 'string') throw invalid(`"${where}.url" must be a string`)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw invalid(`"${where}.url" must be an absolute URL: ${url}`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalid(`"${where}.url" must use http or https: ${url}`)
  }
  if (
    parsed.search !== '' ||
    parsed.hash !== '' ||
    parsed.username !== '' ||
    parsed.password !== ''
  ) {
    throw invalid(
      `"${where}.url" must be an origin or origin + path, without query, fragment or credentials: ${url}`,
    )
  }
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw invalid(`"${where}.scopes" must be a non-empty array of strings`)
  }
  if (!scopes.every((scope) => typeof scope === 'string' && scope.trim() !== '')) {
    throw invalid(`"${where}.scopes" must contain only non-empty strings`)
  }
  const path = parsed.pathname.replace(/\/+$/, '')
  return {
    resource: resource as CaeResource,
    origin: parsed.origin,
    path,
    scopes: Object.freeze([...scopes]),
    scopesKey: normalizeScopes(scopes),
    prefix: parsed.origin + path,
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
    throw invalid('"resources" must be a non-empty array of { url, scopes }')
  }
  const resolved = resources.map(resolveOne)
  const seen = new Set<string>()
  for (const entry of resolved) {
    const key = entry.origin + entry.path
    if (seen.has(key)) throw invalid(`"resources" lists ${key} twice`)
    seen.add(key)
  }
  return resolved.sort((a, b) => b.path.length - a.path.length)
}

/** Tells whether an already parsed URL lies inside `resource` (origin, then path-segment prefix). */
export function resourceContains(resource: ResolvedResource, url: URL): boolean {
  if (url.origin !== resource.origin) return false
  const { path } = resource
  if (path === '') return true
  const pathname = url.pathname
  return (
    pathname.startsWith(path) &&
    (pathname.length === path.length || pathname.charCodeAt(path.length) === 47) /* '/' */
  )
}

/**
 * Parses a request URL the way fetch would: absolute, or relative to the page in a browser.
 * Returns `undefined` for anything that does not parse (such a request is passed through).
 */
export function parseRequestUrl(url: string | URL): URL | undefined {
  if (typeof url !== 'string') return url
  try {
    return new URL(url, (globalThis as { location?: { href?: string } }).location?.href)
  } catch {
    return undefined
  }
}

/**
 * Whether the path part of `url` (up to `?` or `#`) is one the URL parser leaves as it is: no dot
 * segment (`/.`, `%2e`), no backslash, no whitespace or control character (which the parser
 * strips or rewrites).
 */
function isPlainPath(url: string, from: number): boolean {
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i)
    if (c === 63 /* ? */ || c === 35 /* # */) return true
    if (c <= 32 || c === 92 /* \ */ || c === 127) return false
    if (c === 46 /* . */ && url.charCodeAt(i - 1) === 47 /* / */) return false
    if (
      c === 37 /* % */ &&
      url.charCodeAt(i + 1) === 50 /* 2 */ &&
      (url.charCodeAt(i + 2) | 32) === 101 /* e */
    ) {
      return false
    }
  }
  return true
}

/**
 * Fast path for the common case, an absolute URL already in canonical form: it starts with a
 * resource's `origin + path`, followed by `/`, `?`, `#` or nothing, and its path holds nothing the
 * parser would rewrite. Anything else (other case, default port, dot segments, other origins)
 * goes through the URL parser, which decides.
 */
function findCanonical(
  resources: readonly ResolvedResource[],
  url: string,
): ResolvedResource | undefined {
  for (const resource of resources) {
    const { prefix } = resource
    if (!url.startsWith(prefix)) continue
    const next = url.charCodeAt(prefix.length)
    if (next !== 47 && next !== 63 && next !== 35 && !Number.isNaN(next)) continue
    // The origin part is the resource's own canonical origin; only the path can still differ,
    // and when it might, the parser decides.
    return isPlainPath(url, resource.origin.length) ? resource : undefined
  }
  return undefined
}

/** Returns the most specific configured resource containing `url`, or `undefined`. */
export function findResource(
  resources: readonly ResolvedResource[],
  url: string | URL,
): ResolvedResource | undefined {
  if (typeof url === 'string') {
    const found = findCanonical(resources, url)
    if (found !== undefined) return found
  }
  const parsed = parseRequestUrl(url)
  if (parsed === undefined) return undefined
  for (const resource of resources) {
    if (resourceContains(resource, parsed)) return resource
  }
  return undefined
}
