/** Direct calls to a coordinator, as the engine makes them, with a counting provider. */
import { randomUUID } from 'node:crypto'
import type { AccessToken, CoordinatedAcquisition } from '@cae-kit/core'

/** An acquisition of `api://fleet/.default` with no partition, claims or rejected token. */
export function acquisition(
  overrides: Partial<CoordinatedAcquisition> = {},
): CoordinatedAcquisition {
  return {
    partition: undefined,
    scopes: ['api://fleet/.default'],
    claims: undefined,
    stepUp: undefined,
    reason: 'initial',
    rejectedToken: undefined,
    signal: new AbortController().signal,
    ...overrides,
  }
}

/** A provider that counts its calls and answers `token-<n>` after `delayMs`. */
export function provider(name = 'p', delayMs = 0, expiresInMs = 3_600_000) {
  const calls: AbortSignal[] = []
  const acquire = async (signal: AbortSignal): Promise<AccessToken> => {
    calls.push(signal)
    if (delayMs) {
      // Like a real provider: stops waiting when its signal aborts.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delayMs)
        signal.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(signal.reason)
        })
      })
    }
    signal.throwIfAborted()
    return { token: `${name}-${calls.length}-${randomUUID()}`, expiresOn: Date.now() + expiresInMs }
  }
  return { acquire, calls }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
