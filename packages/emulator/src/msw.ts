/**
 * msw integration: route every request to one origin through an emulator.
 *
 * @module
 */
import { http, type RequestHandler } from 'msw'
import type { Emulator } from './types'

/** Options of {@link emulatorHandlers}. */
export type EmulatorHandlersOptions = {
  /** Origin the emulator answers on, e.g. `https://login.test` (a path is not allowed). */
  baseUrl: string
}

/**
 * msw request handlers that answer every request to `baseUrl` with `emulator.handle()`: the
 * authority (discovery, authorize, token), the API under `/api` and the admin endpoints.
 *
 * @param emulator - From `createEmulator()`.
 * @param options - `baseUrl`: the origin to intercept; issuer and endpoints follow it.
 * @returns One handler (`http.all`) to spread into `setupServer()` or `setupWorker()`.
 * Throws a `TypeError` with code `ERR_EMULATOR_INVALID_ARGUMENT` when `baseUrl` is not an origin.
 * @example
 * ```ts
 * import { setupServer } from 'msw/node'
 * import { createEmulator } from '@cae-kit/emulator'
 * import { emulatorHandlers } from '@cae-kit/emulator/msw'
 *
 * const emulator = createEmulator()
 * const server = setupServer(...emulatorHandlers(emulator, { baseUrl: 'https://login.test' }))
 * server.listen()
 * ```
 * @see https://mswjs.io/docs/api/http
 */
export function emulatorHandlers(
  emulator: Pick<Emulator, 'handle'>,
  options: EmulatorHandlersOptions,
): RequestHandler[] {
  let url: URL
  try {
    url = new URL(options.baseUrl)
  } catch {
    throw Object.assign(new TypeError('"baseUrl" must be an absolute URL'), {
      code: 'ERR_EMULATOR_INVALID_ARGUMENT',
    })
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw Object.assign(new TypeError('"baseUrl" must be an origin without a path'), {
      code: 'ERR_EMULATOR_INVALID_ARGUMENT',
    })
  }
  return [http.all(`${url.origin}/*`, ({ request }) => emulator.handle(request))]
}
