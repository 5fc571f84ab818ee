// @vitest-environment node
/**
 * No token text anywhere: every event, log line and error of a whole request lifecycle (first
 * token, challenge, replay, challenge again, provider failure, body not replayable), serialised,
 * holds none of the tokens the provider handed out.
 */
import { expect, it } from 'vitest'
import { encodeClaims } from './claims'
import type { CaeEvent } from './events'
import { createCaeFetch } from './fetch'
import type { TokenProvider } from './provider'

const CHALLENGE = `Bearer error="insufficient_claims", claims="${encodeClaims(
  '{"access_token":{"nbf":{"essential":true,"value":"1"}}}',
)}"`

function observed() {
  const events: CaeEvent[] = []
  const logged: unknown[] = []
  const log = (...args: unknown[]) => logged.push(args)
  return {
    events,
    logged,
    onEvent: (event: CaeEvent) => events.push(event),
    logger: { debug: log, info: log, warn: log, error: log },
  }
}

/** Everything a request left behind that an app could log, as text. */
function trail(errors: unknown[], seen: ReturnType<typeof observed>): string {
  const described = errors.map((error) =>
    error instanceof Error
      ? [error.message, JSON.stringify(error), String((error.cause as Error | undefined)?.message)]
      : JSON.stringify(error),
  )
  return JSON.stringify([described, seen.events, seen.logged])
}

it('leaves no token text in events, log lines or errors through a whole lifecycle', async () => {
  let calls = 0
  const tokenProvider: TokenProvider = {
    async getToken({ scopes }) {
      calls++
      if (scopes.includes('b')) throw new Error('provider down')
      return { token: `SECRET-${calls}` }
    },
  }
  const seen = observed()
  const caeFetch = createCaeFetch({
    tokenProvider,
    resources: ['a', 'b', 'c'].map((name) => ({ url: `https://api.test/${name}`, scopes: [name] })),
    fetch: async () =>
      new Response('no', { status: 401, headers: { 'www-authenticate': CHALLENGE } }),
    onEvent: seen.onEvent,
    logger: seen.logger,
    maxReplayBodyBytes: 4,
  })
  // Token 1, challenged, token 2, replay challenged again: resolves with the second 401.
  const unsatisfied = await caeFetch('https://api.test/a')
  expect(unsatisfied.status).toBe(401)
  // Another resource: its provider call fails.
  const failed = await caeFetch('https://api.test/b').catch((e: unknown) => e)
  expect(failed).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED' })
  // A stream over the replay bound, challenged: not replayable.
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(16))
      controller.close()
    },
  })
  const notReplayable = await caeFetch('https://api.test/c', {
    method: 'POST',
    body,
    duplex: 'half',
  } as RequestInit).catch((e: unknown) => e)
  expect(notReplayable).toMatchObject({ code: 'ERR_CAE_BODY_NOT_REPLAYABLE' })

  expect(seen.events.map((event) => event.type)).toEqual(
    expect.arrayContaining(['token', 'challenge', 'replay', 'challenge-unsatisfied', 'error']),
  )
  expect(trail([failed, notReplayable], seen)).not.toContain('SECRET')
})
