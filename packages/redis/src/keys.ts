/**
 * Redis names of one acquisition: its shared entry, its lock and its notification channel. The
 * partition, scopes and claims are hashed (SHA-256) into one id, so no partition value, claim or
 * token ever appears in a name; the id is the Redis Cluster hash tag (`{…}`), so the three share
 * a slot.
 *
 * @module
 */

import { createHash } from 'node:crypto'
import type { StepUpRequest } from '@cae-kit/core'

/** Every name starts with this, then the namespace. */
export const PREFIX = 'cae-kit'

/** The names one acquisition uses. */
export interface AcquisitionKeys {
  /** The shared outcome: a token, or a failure shared for a short time. */
  readonly entry: string
  /** Held (SET NX PX) by the one process acquiring. */
  readonly lock: string
  /** Published on when the lock holder is done (stored or gave up). */
  readonly channel: string
}

/** What identifies an acquisition fleet-wide. */
export interface AcquisitionIdentity {
  partition: string | undefined
  scopes: readonly string[]
  claims: string | undefined
  stepUp: StepUpRequest | undefined
}

/** Lowercase hex SHA-256 of UTF-8 `value`. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex')
}

/** The names of `identity` within `namespace`. */
export function acquisitionKeys(namespace: string, identity: AcquisitionIdentity): AcquisitionKeys {
  const { partition, scopes, claims, stepUp } = identity
  const id = sha256(
    JSON.stringify([
      partition === undefined ? null : sha256(partition),
      [...scopes].sort(),
      claims ?? null,
      stepUp === undefined ? null : [stepUp.acrValues ?? null, stepUp.maxAge ?? null],
    ]),
  )
  const base = `${PREFIX}:${namespace}:{${id}}`
  return { entry: `${base}:entry`, lock: `${base}:lock`, channel: `${base}:done` }
}

/** The pattern every channel of `namespace` matches (one PSUBSCRIBE per coordinator). */
export function channelPattern(namespace: string): string {
  return `${PREFIX}:${namespace}:{*}:done`
}
