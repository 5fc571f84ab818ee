/**
 * Request data, seen from axios: which data a send would consume or re-encode, and how it is kept
 * for a replay. Only Node builds use it (`transport.ts`): browsers have no Node streams or
 * `form-data` package forms.
 *
 * @module
 */

import type { InternalAxiosRequestConfig } from 'axios'
import { isReadableLike } from './readable-like'
import { keepReadable } from './stream-body'

/** The `form-data` package's form (what axios makes of an object posted as multipart in Node). */
interface FormDataPackage {
  getBuffer(): Uint8Array
  getHeaders(): Record<string, string>
}

const isFormDataPackage = (data: unknown): data is FormDataPackage =>
  typeof (data as Partial<FormDataPackage> | null)?.getBuffer === 'function' &&
  typeof (data as Partial<FormDataPackage>).getHeaders === 'function'

/**
 * Keeps data that the http adapter would consume or re-encode, before the first send, as axios
 * dispatches it (after `transformRequest`): a Node `Readable` is read up to `maxBytes` (a longer
 * one is given back whole, paused, and sent as the stream it is); a `form-data` package form
 * becomes its bytes (with its Content-Type) when all its parts are in memory. Resolves `false`
 * when the data cannot be replayed (a stream over the limit, a form with stream parts, a stream
 * that cannot be read ahead and put back). Returns `undefined` when there is nothing to keep
 * here: data axios re-reads on every send, or data the engine keeps (see `Transport.body`).
 */
export function keepData(
  config: InternalAxiosRequestConfig,
  maxBytes: number,
  viaHttp: boolean,
): Promise<boolean> | undefined {
  const { data } = config
  if (isFormDataPackage(data)) {
    try {
      // getBuffer() throws when a part is a stream: such a form goes out as the stream it is.
      const bytes = data.getBuffer()
      config.headers.set(data.getHeaders())
      config.data = bytes
      return Promise.resolve(true)
    } catch {
      return Promise.resolve(false)
    }
  }
  const readable = viaHttp ? keepReadable(config, maxBytes) : undefined
  if (readable) return readable
  if (typeof data?.pipe === 'function' && !isReadableLike(data)) return Promise.resolve(false)
  return undefined
}
