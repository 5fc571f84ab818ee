/**
 * The transport of a dispatched request in browsers (built instead of `transport.ts` for the
 * `browser` export condition): only xhr, fetch and custom adapters, which read the data anew on
 * every send, so the fetch-like {@link AxiosTransport} is the whole of it.
 *
 * @module
 */

import { AxiosTransport } from './axios-transport'
import type * as Node from './transport'

/** Every request's transport: see the module comment (`maxBytes` is Node's alone). */
export const Transport: typeof Node.Transport = AxiosTransport
