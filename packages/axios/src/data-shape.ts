/**
 * Shapes of request data every runtime has.
 *
 * @module
 */

/**
 * A spec `FormData` as dispatched: axios' adapters send it as multipart whatever Content-Type the
 * config holds (`transformRequest` already turned it into JSON when that was asked for).
 */
export function isSpecFormData(data: unknown): data is FormData {
  return typeof FormData === 'function' && data instanceof FormData
}

/** The data as text for a `PendingRequest`: plain objects and arrays as the JSON axios sends. */
export function bodyForDescription(data: unknown): unknown {
  if (typeof data !== 'object' || data === null) return data
  const prototype = Object.getPrototypeOf(data)
  return prototype === Object.prototype || prototype === null || Array.isArray(data)
    ? JSON.stringify(data)
    : data
}
