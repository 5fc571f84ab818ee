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
  | {
      /** Returns the value of header `name` (any case), or `null`/`undefined` when absent. */
      get(name: string): unknown
    }
  | { readonly [name: string]: unknown }

/** What the detectors read from a response: a fetch `Response`, an axios response, or a literal. */
export type ResponseLike = { status: number; headers: HeadersLike }

/**
 * Returns every value of header `name`, one per header line where the source keeps lines apart
 * (arrays); `[]` when it is absent. Never throws: a throwing getter reads as no header.
 *
 * @internal Used by the Bearer challenge reader of the claims and step-up detectors; not exported
 * publicly.
 */
export function readHeaderValues(headers: HeadersLike, name: string): string[] {
  try {
    // A missing `headers` (null, undefined) throws here or in Object.keys: no header.
    const get = (headers as { get?: unknown }).get
    const lower = name.toLowerCase()
    const values =
      typeof get === 'function'
        ? [get.call(headers, name)]
        : Object.keys(headers)
            .filter((key) => key.toLowerCase() === lower)
            .map((key) => (headers as Record<string, unknown>)[key])
    // Strings and numbers count; an array holds one value per header line; anything else is absent.
    return values
      .flat()
      .filter((value) => typeof value === 'string' || typeof value === 'number')
      .map(String)
  } catch {
    return []
  }
}
