/**
 * graph-client's request headers as its handlers read them: a plain record whose `Authorization`
 * key is spelled exactly so (its `RedirectHandler` drops the token with
 * `delete headers.Authorization` when a redirect leaves the host).
 *
 * @module
 */

/** The header names of a record that equal `name`, whatever their case. */
function keysOf(record: Record<string, string>, name: string): string[] {
  return Object.keys(record).filter((key) => key.toLowerCase() === name)
}

/** `headers` as a record of its own, so that a send never changes the caller's object. */
export function toRecord(headers: HeadersInit | undefined): Record<string, string> {
  if (headers === undefined || headers === null) return {}
  if (typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)) {
    const record: Record<string, string> = {}
    ;(headers as Headers).forEach((value, name) => {
      record[name] = value
    })
    return record
  }
  if (Array.isArray(headers))
    return Object.fromEntries(headers.map(([name, value]) => [name, value]))
  return { ...(headers as Record<string, string>) }
}

/** The caller's own `Authorization` value (any case), or `undefined`. */
export function readAuthorization(record: Record<string, string>): string | undefined {
  const [key] = keysOf(record, 'authorization')
  return key === undefined ? undefined : record[key]
}

/**
 * A copy of `record` carrying `authorization` under the key `Authorization` (any other spelling
 * removed), or `record` itself when `authorization` is `undefined` (the request goes out as the
 * caller made it).
 */
export function withAuthorization(
  record: Record<string, string>,
  authorization: string | undefined,
): Record<string, string> {
  if (authorization === undefined) return { ...record }
  const copy = { ...record }
  for (const key of keysOf(copy, 'authorization')) delete copy[key]
  copy.Authorization = authorization
  return copy
}

/** Sets `name` to `value` in `record`, replacing any other spelling of the name. */
export function setHeader(record: Record<string, string>, name: string, value: string): void {
  for (const key of keysOf(record, name.toLowerCase())) delete record[key]
  record[name] = value
}
