/**
 * Options of {@link createRedisCoordinator}, validated once at setup.
 *
 * @module
 */

import { CaeOptionsError } from '@cae-kit/core'
import { aesGcm, type Cipher, plainText } from './cipher'
import type { RedisFallbackListener } from './fallback'

/** Options of `createRedisCoordinator`. */
export interface RedisCoordinatorOptions {
  /**
   * Separates the apps sharing one Redis, e.g. the client id: processes coordinate only within
   * a namespace. Visible ASCII without `{`, `}`, `*`, `?`, `[`, `]` or `\`, at most 200 characters.
   */
  namespace: string
  /**
   * 32 bytes, as a `Uint8Array` or base64 text: entries are encrypted with AES-256-GCM. Without
   * it, tokens are stored in plain text: give one in production.
   * @default undefined (plain text)
   */
  encryptionKey?: Uint8Array | string | undefined
  /**
   * How long a lock holder may take before another process replaces it, in milliseconds: a few
   * seconds longer than a normal token request. A holder that dies is replaced once it passes.
   * @default 5000
   */
  lockTtlMs?: number | undefined
  /**
   * The longest a process waits for another process's outcome, in milliseconds; past it, it
   * acquires in-process (calls its own provider).
   * @default 10000
   */
  waitTimeoutMs?: number | undefined
  /**
   * Called (synchronously) for each acquisition that asks this process's provider besides the
   * fleet's lock holder: without Redis (no answer within 250 ms, an error, a disconnected client,
   * a wait past `waitTimeoutMs`), or in place of a holder whose lock expired. Each costs the fleet
   * one more token request: count or log these to see when the fleet stops coordinating. The event carries no token, key or claims; a listener
   * that throws is ignored.
   * @default undefined (not reported)
   * @example
   * ```ts
   * onFallback: ({ reason, ms }) => logger.warn(`cae: acquired without redis (${reason}, ${ms} ms)`)
   * ```
   */
  onFallback?: RedisFallbackListener | undefined
}

/** Default {@link RedisCoordinatorOptions.lockTtlMs}. */
export const DEFAULT_LOCK_TTL_MS = 5_000
/** Default {@link RedisCoordinatorOptions.waitTimeoutMs}. */
export const DEFAULT_WAIT_TIMEOUT_MS = 10_000

/** Options after validation. */
export interface ResolvedCoordinatorOptions {
  readonly namespace: string
  readonly cipher: Cipher
  readonly lockTtlMs: number
  readonly waitTimeoutMs: number
  readonly onFallback: RedisFallbackListener | undefined
}

const NAMESPACE = /^[\x21-\x7e]{1,200}$/
const RESERVED = /[{}*?[\]\\]/

/**
 * Validates `options`.
 *
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) naming the first wrong option; the message
 *   never contains the key.
 */
export function resolveCoordinatorOptions(
  options: RedisCoordinatorOptions,
): ResolvedCoordinatorOptions {
  const { namespace, encryptionKey, lockTtlMs, waitTimeoutMs, onFallback } = options ?? {}
  const fail = (name: string, what: string): never => {
    throw new CaeOptionsError(`"${name}" must be ${what}`)
  }
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace) || RESERVED.test(namespace)) {
    fail('namespace', 'visible ASCII (1-200 characters) without {, }, *, ?, [, ] or \\')
  }
  for (const [name, value] of [
    ['lockTtlMs', lockTtlMs],
    ['waitTimeoutMs', waitTimeoutMs],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      fail(name, 'a positive integer (milliseconds)')
    }
  }
  if (onFallback !== undefined && typeof onFallback !== 'function') {
    fail('onFallback', 'a function')
  }
  return {
    namespace,
    cipher: encryptionKey === undefined ? plainText : aesGcm(keyBytes(encryptionKey, fail)),
    lockTtlMs: lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
    waitTimeoutMs: waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
    onFallback,
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function keyBytes(key: Uint8Array | string, fail: (name: string, what: string) => never) {
  const what = '32 bytes, as a Uint8Array or base64 text'
  if (key instanceof Uint8Array) return key.length === 32 ? key : fail('encryptionKey', what)
  if (typeof key !== 'string' || !BASE64.test(key)) return fail('encryptionKey', what)
  const bytes = Buffer.from(key, 'base64')
  return bytes.length === 32 ? new Uint8Array(bytes) : fail('encryptionKey', what)
}
