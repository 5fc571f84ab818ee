/** cae-kit's `onEvent` stream, as lines of the "What cae-kit did" log. */
import type { CaeEvent } from '@cae-kit/core'
import type { LogKind } from './log'

/** One or two log lines per event: a challenge also shows the claims it decoded. */
export function describeCaeEvent(event: CaeEvent): Array<[LogKind, string]> {
  const request = `${event.method} ${pathOf(event.url)}`
  switch (event.type) {
    case 'challenge': {
      const lines: Array<[LogKind, string]> = [
        ['challenge', `${request} answered ${event.status} ${event.error}`],
      ]
      if (event.claims) lines.push(['claims', `decoded claims ${event.claims}`])
      if (event.stepUp) lines.push(['claims', `step-up ${JSON.stringify(event.stepUp)}`])
      return lines
    }
    case 'token':
      return [['token', `${tokenReason[event.reason]} in ${Math.round(event.durationMs)} ms`]]
    case 'replay':
      return [
        [
          'replay',
          `${request} sent again with the new token${event.reused ? ' (token shared with a concurrent request)' : ''}`,
        ],
      ]
    case 'challenge-unsatisfied':
      return [
        [
          'error',
          `${request} challenged again after the replay (${event.status}): no second replay`,
        ],
      ]
    case 'error':
      return [['error', `${request} failed: ${event.error.code}`]]
    case 'opt-out':
      return [['info', `${request} carries its own Authorization: left alone`]]
  }
}

const tokenReason = {
  initial: 'first token acquired',
  expired: 'token renewed before expiry',
  challenge: 'new token satisfying the claims acquired',
} as const

function pathOf(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}
