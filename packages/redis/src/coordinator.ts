/**
 * `createRedisCoordinator`: fleet-wide single-flight of token acquisitions on Redis.
 *
 * @module
 */

import { randomUUID } from 'node:crypto'
import type { AccessToken, CaeCoordinator, CoordinatedAcquisition } from '@cae-kit/core'
import { bounded, REDIS_DECISION_MS, type RedisClientLike } from './client'
import { failureEntry, openEntry, tokenEntry } from './entry'
import { failureReason, type RedisFallbackReason, report } from './fallback'
import { type AcquisitionKeys, acquisitionKeys, channelPattern, sha256 } from './keys'
import { createNotifications } from './notifications'
import { type RedisCoordinatorOptions, resolveCoordinatorOptions } from './options'
import { begin, finish } from './scripts'
import { overlappedFailure, sharedFailure } from './shared-failure'

/** A {@link CaeCoordinator} on Redis, with `close()`. */
export interface RedisCoordinator extends CaeCoordinator {
  /**
   * Closes the connection the coordinator opened for notifications; the client you passed stays
   * open (it is yours). Afterwards every acquisition is in-process. Never rejects.
   */
  close(): Promise<void>
}

/** After Redis failed or was slow, acquisitions skip it for this long, in ms. */
const BACKOFF_MS = 1_000

type Acquire = (signal: AbortSignal) => Promise<AccessToken>

/**
 * Makes every token acquisition of the engines using it fleet-wide single-flight per
 * (namespace, partition, scopes, claims): one process acquires under a Redis lock, the others
 * wait for its notification and take its token. A process whose token was rejected takes the
 * shared token if it is another, fresh one (MSAL.NET's `WithAccessTokenSha256ToRefresh` rule),
 * without asking its provider. An access block (and "interaction required" of an app flow) is
 * shared for 10 s: the other processes fail with the same coded error without calling Entra. Any
 * other failure fails the processes that waited for that attempt (not those asking later).
 *
 * Redis is never the outage: a Redis call that does not answer within 250 ms, a client that is
 * not ready, or a wait longer than `waitTimeoutMs` ends in the in-process acquisition (this
 * process's provider), reported to `onFallback` when given; so is a process replacing a holder
 * whose lock expired. Each of these is one more token request for the fleet. A lock holder that dies is replaced once `lockTtlMs` passes; a lock is
 * released only by its owner; every waiter's `AbortSignal` is honoured.
 *
 * @param client - A connected node-redis client (`createClient()` of `redis` 5 or 6). It stays
 *   yours: the coordinator opens its own `client.duplicate()` for notifications.
 * @param options - See {@link RedisCoordinatorOptions}.
 * @returns The coordinator, for `CaeOptions.coordinator`; `close()` it on shutdown.
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) for a bad namespace, an encryption key that
 *   is not 32 bytes, a lock TTL or wait bound that is not a positive integer, or an `onFallback`
 *   that is not a function.
 * @example
 * ```ts
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect()
 * const coordinator = createRedisCoordinator(redis, { namespace: clientId, encryptionKey })
 * const caeFetch = createCaeFetch({ tokenProvider, resources, coordinator })
 * ```
 * @see https://learn.microsoft.com/dotnet/api/microsoft.identity.client.acquiretokenforclientparameterbuilder.withaccesstokensha256torefresh (the rule it follows)
 * @see https://learn.microsoft.com/entra/identity-platform/app-resilience-continuous-access-evaluation
 */
export function createRedisCoordinator(
  client: RedisClientLike,
  options: RedisCoordinatorOptions,
): RedisCoordinator {
  const { namespace, cipher, lockTtlMs, waitTimeoutMs, onFallback } =
    resolveCoordinatorOptions(options)
  const notifications = createNotifications(client, channelPattern(namespace))
  let closed = false
  let skipUntil = 0
  /** Why Redis is not worth asking now (closed, disconnected, failing a moment ago), if so. */
  const unusable = (): RedisFallbackReason | undefined => {
    if (closed) return 'closed'
    if (client.isReady !== true) return 'disconnected'
    return Date.now() < skipUntil ? 'backoff' : undefined
  }
  /** One Redis call, bounded; a failure or timeout makes the next calls skip Redis a moment. */
  const call = async <T>(
    promise: Promise<T>,
    signal: AbortSignal,
    late?: (value: T) => void,
  ): Promise<T> => {
    try {
      return await bounded(promise, signal, REDIS_DECISION_MS, late)
    } catch (error) {
      if (!signal.aborted) skipUntil = Date.now() + BACKOFF_MS
      throw error
    }
  }

  /** Runs a command that must not hold anything up: bounded, and false on any trouble. */
  const quietly = (command: Promise<unknown>) =>
    call(command, new AbortController().signal).then(
      () => true,
      () => false,
    )

  /**
   * A token acquired with claims (or step-up) is also the newest token for its scopes: stored
   * under the key without claims too, an acquisition without claims (first token, refresh) in
   * another process takes it, as this process's own cache does.
   */
  function shareAsNewest(request: CoordinatedAcquisition, token: AccessToken, now: number) {
    if (request.claims === undefined && request.stepUp === undefined) return true
    const plain = acquisitionKeys(namespace, { ...request, claims: undefined, stepUp: undefined })
    const entry = tokenEntry(token, cipher, plain.entry, now)
    if (entry === undefined) return true
    return quietly(client.sendCommand(['SET', plain.entry, entry.value, 'PX', `${entry.ttlMs}`]))
  }

  /**
   * The entry of this process's failure: shared with all for a short time when no retry can
   * help; else with the acquisitions that waited for this attempt. Nothing when this process gave
   * up (its signal aborted): the waiters take over at once.
   */
  function failed(request: CoordinatedAcquisition, keys: AcquisitionKeys, error: unknown) {
    if (request.signal.aborted) return undefined
    const shared = sharedFailure(error, request.partition)
    if (shared) return failureEntry(shared, cipher, keys.entry)
    const overlapped = { at: Date.now(), ttlMs: lockTtlMs }
    return failureEntry(overlappedFailure(error, request.claims), cipher, keys.entry, overlapped)
  }

  /** This process acquires under the lock, shares the outcome, releases the lock. */
  async function own(
    request: CoordinatedAcquisition,
    acquire: Acquire,
    keys: AcquisitionKeys,
    owner: string,
  ) {
    let token: AccessToken
    try {
      token = await acquire(request.signal)
    } catch (error) {
      await quietly(finish(client, keys, owner, failed(request, keys, error)))
      throw error
    }
    const now = Date.now()
    const entry = tokenEntry(token, cipher, keys.entry, now)
    await Promise.all([
      quietly(finish(client, keys, owner, entry)),
      shareAsNewest(request, token, now),
    ])
    return token
  }

  async function coordinate(request: CoordinatedAcquisition, acquire: Acquire) {
    const { signal } = request
    const startedAt = Date.now()
    /** Reports an acquisition that costs the fleet one more token request. */
    const fallingBack = (reason: RedisFallbackReason) =>
      report(onFallback, { reason, ms: Date.now() - startedAt })
    /** This process's own acquisition, without Redis. */
    const inProcess = (reason: RedisFallbackReason) => {
      fallingBack(reason)
      return acquire(signal)
    }
    const skip = unusable()
    if (skip) return inProcess(skip)
    const keys = acquisitionKeys(namespace, request)
    const rejectedHash = request.rejectedToken === undefined ? '' : sha256(request.rejectedToken)
    const owner = randomUUID()
    const deadline = startedAt + waitTimeoutMs
    let ignoreEntry = false
    /** When the lock this acquisition last found held by another process expires. */
    let heldUntil: number | undefined
    for (;;) {
      signal.throwIfAborted()
      const unavailable = unusable()
      if (unavailable) return inProcess(unavailable)
      const listening = notifications.listen(keys.channel)
      let outcome: Awaited<ReturnType<typeof begin>>
      try {
        const attempt = begin(client, keys, {
          keyId: cipher.keyId,
          rejectedHash,
          now: Date.now(),
          owner,
          lockTtlMs,
          ignoreEntry,
          startedAt,
        })
        // A lock taken after this process stopped waiting for the answer is released at once.
        outcome = await call(attempt, signal, (late) => {
          if (late.kind === 'owner') finish(client, keys, owner, undefined).catch(() => {})
        })
      } catch (error) {
        listening.cancel()
        if (signal.aborted) throw signal.reason
        return inProcess(failureReason(error))
      }
      if (outcome.kind === 'entry') {
        listening.cancel()
        const opened = openEntry(outcome.value, cipher, keys.entry)
        if (opened === undefined) {
          ignoreEntry = true
          continue
        }
        if ('failure' in opened) throw opened.failure
        return opened.token
      }
      if (outcome.kind === 'owner') {
        listening.cancel()
        // The holder it waited for kept the lock past its TTL (it died, or its token request took
        // longer) and shared nothing: this process asks in its place, one more token request.
        if (heldUntil !== undefined && Date.now() >= heldUntil) fallingBack('lock-expired')
        return own(request, acquire, keys, owner)
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        listening.cancel()
        return inProcess('wait-bound')
      }
      // Wake on the holder's notification, or when its lock expires (a holder that died).
      const lockLeft = outcome.ttlMs > 0 ? outcome.ttlMs + 5 : outcome.ttlMs === -2 ? 0 : left
      if (outcome.ttlMs > 0) heldUntil = Date.now() + outcome.ttlMs
      try {
        await listening.wait(Math.min(lockLeft, left), signal)
      } finally {
        listening.cancel()
      }
      ignoreEntry = false
    }
  }

  return {
    acquire: coordinate,
    async close() {
      closed = true
      notifications.close()
    },
  }
}
