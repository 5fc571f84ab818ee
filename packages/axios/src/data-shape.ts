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
