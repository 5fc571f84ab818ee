/**
 * The two clients of the engine fuzz test, over the fake server of `fuzz-world.ts`:
 * `createCaeFetch` with a fake fetch, and `attachCae` on an axios instance with a custom adapter.
 * Both honour aborts as the real ones do: a send rejects at once with the signal's reason (fetch)
 * or axios' `CanceledError`.
 */

import { Readable } from 'node:stream'
import { attachCae } from '@cae-kit/axios'
import { createCaeFetch } from '@cae-kit/core'
import axios, { AxiosError, CanceledError, isAxiosError, isCancel } from 'axios'
import { type Call, type FuzzWorld, urlOf } from './fuzz-world'

export interface Client {
  send(
    call: Call,
    id: number,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{
    status: number
    body: string
  }>
  /** Whether `error` is how this client reports an abort with `reason`. */
  isAbort(error: unknown, reason: unknown): boolean
  /** Whether `error` is how this client reports a final 401 (axios rejects, fetch resolves). */
  isHttpError(error: unknown): boolean
}

const networkError = () => new TypeError('fetch failed')
/** The caller's own Authorization value. */
export const OWN = 'Bearer caller-own'

function stream(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  return new ReadableStream({
    pull(controller) {
      controller.enqueue(bytes.slice(0, 3))
      if (bytes.length > 3) controller.enqueue(bytes.slice(3))
      controller.close()
    },
  })
}

export function fetchClient(w: FuzzWorld): Client {
  const calls = new Map<number, { call: Call; id: number }>()
  const caeFetch = createCaeFetch({
    ...w.options,
    fetch: async (input, init) => {
      const request = new Request(input, init)
      const call = calls.get(Number(request.headers.get('x-id')))
      if (call === undefined) throw new Error('unknown request')
      const body = request.body === null ? '' : await request.text()
      const decision = await w.serve(
        call.call,
        call.id,
        request.url,
        request.headers.get('authorization'),
        body,
        request.signal,
      )
      if (decision.status === 'network') throw networkError()
      const headers = 'header' in decision ? { 'www-authenticate': decision.header ?? '' } : {}
      return new Response(decision.status === 200 ? body : null, {
        status: decision.status,
        headers,
      })
    },
  })
  return {
    async send(call, id, body, signal) {
      calls.set(id, { call, id })
      const init: RequestInit & { duplex?: 'half' } = {
        method: body === undefined ? 'GET' : 'POST',
        headers: call.own ? { 'x-id': String(id), authorization: OWN } : { 'x-id': String(id) },
      }
      if (signal !== undefined) init.signal = signal
      if (body !== undefined) {
        init.body = call.body === 'stream' ? stream(body) : body
        if (call.body === 'stream') init.duplex = 'half'
      }
      const response = await caeFetch(urlOf(call, id), init)
      return { status: response.status, body: await response.text() }
    },
    isAbort: (error, reason) => error === reason,
    isHttpError: () => false,
  }
}

async function readData(data: unknown): Promise<string> {
  if (data === undefined || data === null) return ''
  if (typeof data === 'string') return data
  if (data instanceof Uint8Array) return Buffer.from(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  if (data instanceof Readable) {
    const chunks: Buffer[] = []
    for await (const chunk of data) chunks.push(Buffer.from(chunk as Uint8Array))
    return Buffer.concat(chunks).toString('utf8')
  }
  throw new Error(`unexpected data ${Object.prototype.toString.call(data)}`)
}

export function axiosClient(w: FuzzWorld): Client {
  const calls = new Map<number, Call>()
  const instance = axios.create({
    adapter: async (config) => {
      const id = Number(config.headers.get('x-id'))
      const call = calls.get(id)
      if (call === undefined) throw new Error('unknown request')
      const body = await readData(config.data)
      const url = config.url ?? ''
      const authorization = config.headers.get('Authorization')
      const signal = config.signal as AbortSignal | undefined
      let decision: Awaited<ReturnType<typeof w.serve>>
      try {
        decision = await w.serve(
          call,
          id,
          url,
          typeof authorization === 'string' ? authorization : null,
          body,
          signal,
        )
      } catch (error) {
        if (signal?.aborted && error === signal.reason) throw new CanceledError(undefined, config)
        throw error
      }
      if (decision.status === 'network') {
        throw new AxiosError('fetch failed', AxiosError.ERR_NETWORK, config)
      }
      const response = {
        data: decision.status === 200 ? body : '',
        status: decision.status,
        statusText: '',
        headers: 'header' in decision ? { 'www-authenticate': decision.header ?? '' } : {},
        config,
      }
      if (decision.status === 200) return response
      throw new AxiosError('Request failed', AxiosError.ERR_BAD_REQUEST, config, null, response)
    },
  })
  attachCae(instance, w.options)
  return {
    async send(call, id, body, signal) {
      calls.set(id, call)
      const data =
        body === undefined ? undefined : call.body === 'stream' ? Readable.from([body]) : body
      const response = await instance.request<string>({
        url: urlOf(call, id),
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          'x-id': String(id),
          'content-type': 'text/plain',
          ...(call.own && { authorization: OWN }),
        },
        data,
        responseType: 'text',
        transformResponse: [(d: unknown) => d],
        ...(signal !== undefined && { signal }),
      })
      return { status: response.status, body: String(response.data) }
    },
    isAbort: (error) => isCancel(error),
    isHttpError: (error) => isAxiosError(error) && error.response?.status === 401,
  }
}
