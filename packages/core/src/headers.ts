/**
 * Reading header values from whatever an HTTP client hands over.
 *
 * @module
 */

/**
 * Response headers in any of the shapes HTTP clients use: a fetch `Headers`, anything with a
 * `get(name)` method (axios `AxiosHeaders`, a `Map` with lowercase keys), or a plain record
 * (axios raw headers, Node's `IncomingHttpHeaders`). Record names match case-insensitively.
 * Values read are strings, arrays of strings (one per header line) and numbers; anything else
 * (`null`, `undefined`, booleans, nested objects) counts as absent. Record values are typed
 * `unknown` so that axios' `RawAxiosResponseHeaders`, whose values may be `AxiosHeaders` or
 * booleans, is accepted without a cast.
 */
export type HeadersLike =
  | Headers
  | { get(name: string): unknown }
  | { readonly [name: string]: unknown }

function collect(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value)
  else if (typeof value === 'number') out.push(String(value))
  else if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'string') out.push(item)
      else if (typeof item === 'number') out.push(String(item))
    }
  }
}

/**
 * Returns every value of header `name`, one per header line where the source keeps lines apart
 * (arrays); `[]` when it is absent. Never throws: a throwing getter reads as no header.
 *
 * @internal Used by the claims and step-up detectors and by the engine; not exported publicly.
 */
export function readHeaderValues(headers: HeadersLike, name: string): string[] {
  const out: string[] = []
  try {
    if (typeof headers !== 'object' || headers === null) return out
    const get = (headers as { get?: unknown }).get
    if (typeof get === 'function') {
      collect(get.call(headers, name), out)
      return out
    }
    const lower = name.toLowerCase()
    for (const key of Object.keys(headers)) {
      if (key.length === lower.length && key.toLowerCase() === lower) {
        collect((headers as Record<string, unknown>)[key], out)
      }
    }
  } catch {
    return []
  }
  return out
}
