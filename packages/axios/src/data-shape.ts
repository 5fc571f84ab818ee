/**
 * Shapes of request data every runtime has.
 *
 * @module
 */

/**
 * Data the engine keeps for a replay in every runtime: a web stream, or a spec `FormData` (axios'
 * adapters send it as multipart whatever Content-Type the config holds; `transformRequest`
 * already turned it into JSON when that was asked for), serialised once so both sends carry the
 * same bytes and boundary. Anything else the adapters read anew on every send.
 */
export function webBody(data: unknown): unknown {
  return typeof (data as { getReader?: unknown } | null)?.getReader === 'function' ||
    (typeof FormData === 'function' && data instanceof FormData)
    ? data
    : undefined
}
