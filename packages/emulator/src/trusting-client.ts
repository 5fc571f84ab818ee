/**
 * HTTP clients that trust the emulator's certificate without NODE_EXTRA_CA_CERTS (which Node reads
 * only at start-up): a fetch for the API and an MSAL `INetworkModule` for msal-node, whose default
 * client is the global fetch and has no per-app CA option.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'

type RawResponse = { status: number; headers: IncomingHttpHeaders; body: Buffer }

function send(
  url: URL,
  init: {
    method: string
    headers: [string, string][]
    body?: Uint8Array
    signal?: AbortSignal | null
  },
  ca: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (url.protocol !== 'https:') {
      reject(new TypeError(`only https URLs are supported: ${url.href}`))
      return
    }
    // An object (not raw pairs) so Node adds Host and Content-Length itself.
    const headers: Record<string, string> = {}
    for (const [name, value] of init.headers) {
      const key = name.toLowerCase()
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`
    }
    const req = httpsRequest(url, { method: init.method, ca, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    const signal = init.signal
    if (signal) {
      if (signal.aborted) req.destroy(signal.reason)
      else signal.addEventListener('abort', () => req.destroy(signal.reason), { once: true })
    }
    req.end(init.body)
  })
}

const NULL_BODY = new Set([101, 204, 205, 304])

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else if (value !== undefined) headers.set(name, value)
  }
  return headers
}

/**
 * A `fetch` over node:https that trusts `ca`. Follows redirects unless `redirect: 'manual'`
 * (then the 3xx comes back readable, with its Location). No cookie jar.
 *
 * @param ca - PEM certificate(s) to trust, e.g. `caCertPem` from startEmulator().
 * @returns A fetch-compatible function (https URLs only).
 */
export function createTrustingFetch(ca: string): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init)
    let url = new URL(request.url)
    let method = request.method
    let body =
      method === 'GET' || method === 'HEAD'
        ? undefined
        : new Uint8Array(await request.arrayBuffer())
    const headers: [string, string][] = [...request.headers]
    for (let hop = 0; ; hop++) {
      const raw = await send(
        url,
        { method, headers, signal: request.signal, ...(body ? { body } : {}) },
        ca,
      )
      const location = raw.headers.location
      if (
        request.redirect !== 'manual' &&
        location &&
        raw.status >= 300 &&
        raw.status < 400 &&
        hop < 20
      ) {
        url = new URL(location, url)
        if (
          raw.status === 303 ||
          ((raw.status === 301 || raw.status === 302) && method === 'POST')
        ) {
          method = 'GET'
          body = undefined
        }
        continue
      }
      return new Response(NULL_BODY.has(raw.status) ? null : new Uint8Array(raw.body), {
        status: raw.status,
        headers: toHeaders(raw.headers),
      })
    }
  }
}

/** The subset of MSAL's `INetworkModule` (msal-common) this client implements. */
export type NetworkModule = {
  /** Sends a GET to `url` and resolves with the status, headers and JSON body. */
  sendGetRequestAsync<T>(
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<{ headers: Record<string, string>; body: T; status: number }>
  /** Sends a POST of `options.body` to `url` and resolves with the status, headers and JSON body. */
  sendPostRequestAsync<T>(
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ): Promise<{ headers: Record<string, string>; body: T; status: number }>
}

/**
 * An MSAL network client (`system.networkClient`) that trusts `ca`, for msal-node apps talking to
 * the emulator in a process started without NODE_EXTRA_CA_CERTS.
 *
 * @param ca - PEM certificate(s) to trust.
 * @returns An object with `sendGetRequestAsync` and `sendPostRequestAsync` (JSON bodies).
 */
export function createNetworkClient(ca: string): NetworkModule {
  const call = async <T>(
    method: string,
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ) => {
    const headers = Object.entries(options?.headers ?? {})
    const body = method === 'POST' ? new TextEncoder().encode(options?.body ?? '') : undefined
    const raw = await send(new URL(url), { method, headers, ...(body ? { body } : {}) }, ca)
    const flat: Record<string, string> = {}
    toHeaders(raw.headers).forEach((value, key) => {
      flat[key] = value
    })
    return {
      headers: flat,
      body: JSON.parse(raw.body.toString('utf8') || '{}') as T,
      status: raw.status,
    }
  }
  return {
    sendGetRequestAsync: (url, options) => call('GET', url, options),
    sendPostRequestAsync: (url, options) => call('POST', url, options),
  }
}
