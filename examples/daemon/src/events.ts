/** cae-kit's `onEvent` stream as log lines: challenge -> new token -> replay. */
import type { CaeEvent } from '@cae-kit/core'

/** The log lines for one engine event (a challenge also prints its decoded claims). */
export function describeCaeEvent(event: CaeEvent): string[] {
  const request = `${event.method} ${new URL(event.url).pathname}`
  switch (event.type) {
    case 'challenge':
      return [
        `  challenge: ${request} -> ${event.status} ${event.error}`,
        ...(event.claims ? [`  claims: ${event.claims}`] : []),
      ]
    case 'token':
      return [`  new token (${event.reason}) in ${Math.round(event.durationMs)} ms`]
    case 'replay':
      return [`  replay: ${request} with the new token${event.reused ? ' (shared)' : ''}`]
    case 'challenge-unsatisfied':
      return [`  challenged again after replay (${event.status}): giving up on this call`]
    case 'error':
      return [`  error: ${event.error.code}: ${event.error.message}`]
    case 'opt-out':
      return [`  ${request} carries its own Authorization: left alone`]
  }
}
