/**
 * Describes a waiting request as a storable `PendingRequest` (for providers that leave the page
 * to sign in, then replay what was waiting).
 *
 * @module
 */

import type { PendingRequest } from '../provider'

/** Bodies longer than this (in UTF-16 code units) are not stored: `bodyOmitted` is set instead. */
export const MAX_PENDING_BODY_CHARS = 65_536 // 64 Ki: a literal, which bundlers can drop

const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })

function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body
  if (body instanceof URLSearchParams) return body.toString()
  try {
    // Bytes (a buffer or a view) that are UTF-8 text; anything else throws, as do other bytes.
    return decoder.decode(body as BufferSource)
  } catch {
    return undefined
  }
}

/**
 * Builds the description of a request: upper-case method, absolute URL, lowercased headers
 * without `authorization`, and the body as text when it is text of at most
 * {@link MAX_PENDING_BODY_CHARS}. Anything else (streams, `FormData`, `Blob`, binary, too large)
 * sets `bodyOmitted` rather than guessing.
 */
export function describeRequest(
  method: string,
  url: string,
  headers: Iterable<[string, string]>,
  body: unknown,
): PendingRequest {
  const record: Record<string, string> = {}
  for (const [name, value] of headers) {
    const lower = name.toLowerCase()
    if (lower !== 'authorization') record[lower] = value
  }
  const described: PendingRequest = { method: method.toUpperCase(), url, headers: record }
  if (body === undefined || body === null) return described
  const text = bodyText(body)
  if (text !== undefined && text.length <= MAX_PENDING_BODY_CHARS) described.body = text
  else described.bodyOmitted = true
  return described
}
