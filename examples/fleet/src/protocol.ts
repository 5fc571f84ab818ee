/** What the fleet's parent and its daemon processes say to each other (over the fork IPC channel). */
import type { RedisFallbackReason } from '@cae-kit/redis'

/** A daemon process's settings, passed in the `CAE_FLEET_WORKER` environment variable (JSON). */
export interface WorkerConfig {
  /** Position in the fleet, for logs. */
  index: number
  /** `https://<host>/<tenant>`. */
  authority: string
  clientId: string
  clientSecret: string
  /** Base URL of the API; the daemon calls `GET <apiUrl>/messages`. */
  apiUrl: string
  scopes: string[]
  /** Redis to coordinate through; absent: no coordinator (each process on its own). */
  redisUrl?: string
  /** The coordinator's namespace (apps sharing a Redis stay apart). */
  namespace: string
  /** The fleet's AES-256-GCM key (32 bytes, base64): tokens at rest in Redis are encrypted. */
  encryptionKey: string
  /** Passed to the coordinator when set. */
  lockTtlMs?: number
  /** Passed to the coordinator when set. */
  waitTimeoutMs?: number
}

/** One API call of a storm, as the daemon saw it. */
export interface RequestResult {
  ok: boolean
  /** HTTP status of the final response, when there was one. */
  status?: number
  /** `code` of the error (a cae-kit `ERR_CAE_*`, or the error's name) when the call threw. */
  code?: string
  /** The error's message, with its causes' (`a <- b`), when the call threw. */
  message?: string
  /** Wall time of the call in milliseconds. */
  ms: number
}

/** Parent → daemon. */
export type ToWorker = { type: 'storm'; id: number; requests: number } | { type: 'close' }

/** Daemon → parent. */
export type FromWorker =
  | { type: 'ready' }
  /** The daemon's token provider was called: this process is asking Entra itself. */
  | { type: 'acquiring' }
  | { type: 'storm'; id: number; results: RequestResult[]; acquisitions: AcquisitionReport }

/** What a daemon's own token acquisitions did during one storm. */
export interface AcquisitionReport {
  /** Calls of its token provider: each is one token request of this process. */
  provider: number
  /**
   * Of those, the acquisitions its coordinator ended without Redis (`onFallback`), by reason;
   * the others it made holding the fleet's lock.
   */
  fallbacks: RedisFallbackReason[]
}
