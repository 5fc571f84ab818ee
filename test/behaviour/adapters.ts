/**
 * The two adapters behind one `send()`, so one behaviour table runs against both and they cannot
 * drift. Each adapter maps a neutral request (method, headers, body kind) to its client, and maps
 * the outcome back: a response (fetch, or axios' error.response for HTTP errors) or a rejection.
 */

import { Readable } from 'node:stream'
import { attachCae, type CaeAxiosErrorInfo, isCaeAxiosError } from '@cae-kit/axios'
import { type CaeOptions, createCaeFetch } from '@cae-kit/core'
import axios, { isAxiosError, isCancel } from 'axios'

/** Body kinds every adapter can send; `bytes` is what the server must receive. */
export type BodyKind =
  | 'string'
  | 'json'
  | 'url-search-params'
  | 'form-data'
  | 'blob'
  | 'array-buffer'
  | 'typed-array'
  | 'stream'

export interface SendInit {
  method?: string
  headers?: Record<string, string>
  body?: { kind: BodyKind; text: string }
  signal?: AbortSignal
}

/** What came back: always the final HTTP response; `rejected` when the client threw it. */
export interface Outcome {
  status: number
  text: string
  /** axios rejects HTTP errors; fetch never does. */
  rejected: boolean
  /** axios: `error.caeKit` on a replay challenged again. */
  caeKit?: CaeAxiosErrorInfo
}

export interface Client {
  send(url: string, init?: SendInit): Promise<Outcome>
}

export interface Adapter {
  name: 'fetch' | 'axios'
  create(options: CaeOptions): Client
  /** Whether `error` is how this client rejects an aborted request with `reason`. */
  isAbort(error: unknown, reason: unknown): boolean
}

function fetchBody(kind: BodyKind, text: string): { body: BodyInit; type?: string } {
  const bytes = new TextEncoder().encode(text)
  switch (kind) {
    case 'string':
      return { body: text, type: 'text/plain' }
    case 'json':
      return { body: JSON.stringify(JSON.parse(text)), type: 'application/json' }
    case 'url-search-params':
      return { body: new URLSearchParams(text) }
    case 'form-data':
      return { body: formData(text) }
    case 'blob':
      return { body: new Blob([bytes], { type: 'application/octet-stream' }) }
    case 'array-buffer':
      return { body: bytes.buffer }
    case 'typed-array':
      return { body: bytes }
    case 'stream':
      return { body: chunkedStream(bytes) }
  }
}

function formData(text: string): FormData {
  const form = new FormData()
  form.append('field', text)
  form.append('file', new Blob([text], { type: 'text/plain' }), 'file.txt')
  return form
}

/** A web stream in several chunks, so buffering is exercised. */
export function chunkedStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(offset, offset + 7))
      offset += 7
    },
  })
}

export const fetchAdapter: Adapter = {
  name: 'fetch',
  create(options) {
    // No `fetch` option: the global fetch (patched by msw) is looked up on every call.
    const caeFetch = createCaeFetch(options)
    return {
      async send(url, init = {}) {
        const headers = new Headers(init.headers)
        const requestInit: RequestInit & { duplex?: 'half' } = {
          method: init.method ?? 'GET',
          headers,
        }
        if (init.signal) requestInit.signal = init.signal
        if (init.body) {
          const { body, type } = fetchBody(init.body.kind, init.body.text)
          requestInit.body = body
          if (type && !headers.has('content-type')) headers.set('content-type', type)
          if (init.body.kind === 'stream') requestInit.duplex = 'half'
        }
        const response = await caeFetch(url, requestInit)
        return { status: response.status, text: await response.text(), rejected: false }
      },
    }
  },
  isAbort: (error, reason) => error === reason,
}

function axiosData(kind: BodyKind, text: string): unknown {
  const bytes = new TextEncoder().encode(text)
  switch (kind) {
    case 'string':
      return text
    case 'json':
      return JSON.parse(text)
    case 'url-search-params':
      return new URLSearchParams(text)
    case 'form-data':
      return formData(text)
    case 'blob':
      return new Blob([bytes], { type: 'application/octet-stream' })
    case 'array-buffer':
      return bytes.buffer
    case 'typed-array':
      return bytes
    case 'stream':
      // What Node code hands axios: a Node Readable, in several chunks.
      return Readable.from(
        Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
          Buffer.from(bytes.slice(i * 7, i * 7 + 7)),
        ),
      )
  }
}

export const axiosAdapter: Adapter = {
  name: 'axios',
  create(options) {
    const instance = axios.create()
    attachCae(instance, options)
    return {
      async send(url, init = {}) {
        try {
          const response = await instance.request({
            url,
            method: init.method ?? 'GET',
            headers: {
              ...init.headers,
              ...(init.body?.kind === 'string' && { 'content-type': 'text/plain' }),
            },
            data: init.body ? axiosData(init.body.kind, init.body.text) : undefined,
            ...(init.signal && { signal: init.signal }),
            responseType: 'text',
            transformResponse: [(data: unknown) => data],
          })
          return { status: response.status, text: String(response.data), rejected: false }
        } catch (error) {
          if (isAxiosError(error) && error.response) {
            const outcome: Outcome = {
              status: error.response.status,
              text: String(error.response.data),
              rejected: true,
            }
            if (isCaeAxiosError(error)) outcome.caeKit = error.caeKit
            return outcome
          }
          throw error
        }
      },
    }
  },
  isAbort: (error) => isCancel(error),
}

export const adapters = [fetchAdapter, axiosAdapter]
