// @vitest-environment node
/**
 * Fuzzing the engine through both adapters (`createCaeFetch` with a fake fetch, `attachCae` with a
 * custom axios adapter): random bursts of concurrent requests to protected and unconfigured URLs,
 * claims and step-up challenges, provider failures, aborts, bodies, and every interleaving of
 * responses, token requests and aborts that fast-check's scheduler picks. The fake server is
 * realistic: a claims (or step-up) challenge is satisfied by a token the provider issued for those
 * scopes with those claims, and by no other.
 *
 * Reproduce a failure with the seed (and path) fast-check prints: `FUZZ_SEED=<seed> vitest run …`.
 */

import { isCaeError } from '@cae-kit/core'
import { AxiosError, isAxiosError } from 'axios'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axiosClient, type Client, fetchClient, OWN } from './fuzz-clients'
import {
  type Abort,
  type Call,
  claimsFor,
  createWorld,
  type FuzzWorld,
  type Plan,
  RESOURCES,
  scopesKey,
  UNCONFIGURED,
  type World,
} from './fuzz-world'

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)

const planArb = (labels: readonly string[]): fc.Arbitrary<Plan> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<Plan>({ kind: 'ok' }) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(...labels).map((label): Plan => ({ kind: 'claims', label })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('c1', 'c2').map((acr): Plan => ({ kind: 'step-up', acr })),
    },
    { weight: 1, arbitrary: fc.constant<Plan>({ kind: 'always' }) },
    { weight: 1, arbitrary: fc.constant<Plan>({ kind: 'plain-401' }) },
    { weight: 1, arbitrary: fc.constant<Plan>({ kind: 'network' }) },
  )

const callArb = (
  plan: fc.Arbitrary<Plan>,
  abort: fc.Arbitrary<Abort>,
  own: fc.Arbitrary<boolean>,
): fc.Arbitrary<Call> =>
  fc.record({
    target: fc.oneof(
      { weight: 5, arbitrary: fc.nat(RESOURCES.length - 1).map((resource) => ({ resource })) },
      {
        weight: 1,
        arbitrary: fc.nat(UNCONFIGURED.length - 1).map((unconfigured) => ({ unconfigured })),
      },
    ),
    plan,
    body: fc.constantFrom('none', 'string', 'stream'),
    abort,
    own: own,
  })

/** Anything goes: several claims per scopes, step-up, failures, aborts, expired tokens. */
const chaosArb: fc.Arbitrary<World> = fc.record({
  calls: fc.array(
    callArb(
      planArb(['a', 'b']),
      fc.constantFrom('none', 'none', 'before', 'scheduled'),
      fc.oneof(
        { weight: 9, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    ),
    {
      minLength: 1,
      maxLength: 10,
    },
  ),
  provider: fc.array(fc.constantFrom('ok', 'ok', 'ok', 'error', 'interaction', 'throw', 'empty'), {
    minLength: 1,
    maxLength: 4,
  }),
  providerHonoursAbort: fc.boolean(),
  expired: fc.boolean(),
  listenerThrows: fc.boolean(),
})

/** A storm: one claims value per scopes, nothing fails or aborts. */
const stormArb: fc.Arbitrary<World> = fc.record({
  calls: fc.array(
    callArb(
      fc.oneof(
        fc.constant<Plan>({ kind: 'ok' }),
        fc.constant<Plan>({ kind: 'claims', label: 'storm' }),
      ),
      fc.constant<Abort>('none'),
      fc.constant(false),
    ),
    { minLength: 1, maxLength: 12 },
  ),
  provider: fc.constant(['ok' as const]),
  providerHonoursAbort: fc.constant(false),
  expired: fc.constant(false),
  listenerThrows: fc.constant(false),
})

type Outcome =
  | { settled: false }
  | { settled: true; ok: true; status: number; body: string }
  | { settled: true; ok: false; error: unknown }

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled)
})
afterAll(() => {
  process.off('unhandledRejection', onUnhandled)
})

/** Lets every scheduled task run, and the microtasks and stream reads that follow them. */
async function drain(s: fc.Scheduler): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await s.waitAll()
    await new Promise((resolve) => setImmediate(resolve))
    if (s.count() === 0) {
      await new Promise((resolve) => setImmediate(resolve))
      if (s.count() === 0) return
    }
  }
}

/** Runs one burst and checks the invariants every run must hold. */
async function burst(s: fc.Scheduler, world: World, create: (w: FuzzWorld) => Client) {
  const w = createWorld(world, s)
  const client = create(w)
  const outcomes: Outcome[] = world.calls.map(() => ({ settled: false }))
  const reasons: unknown[] = []
  const promises = world.calls.map((call, id) => {
    const body = call.body === 'none' ? undefined : `body-${id}-é`
    let signal: AbortSignal | undefined
    if (call.abort !== 'none') {
      const controller = new AbortController()
      const reason = new Error(`abort ${id}`)
      reasons[id] = reason
      signal = controller.signal
      if (call.abort === 'before') controller.abort(reason)
      else s.schedule(Promise.resolve(), `abort ${id}`).then(() => controller.abort(reason))
    }
    return client.send(call, id, body, signal).then(
      ({ status, body: text }) => {
        outcomes[id] = { settled: true, ok: true, status, body: text }
      },
      (error: unknown) => {
        outcomes[id] = { settled: true, ok: false, error }
      },
    )
  })
  await drain(s)
  await Promise.race([Promise.all(promises), new Promise((resolve) => setImmediate(resolve))])

  const tokenScopes = new Map([...w.issued].map(([token, grant]) => [`Bearer ${token}`, grant]))
  world.calls.forEach((call, id) => {
    const outcome = outcomes[id] as Outcome
    const mine = w.sends.filter((send) => send.id === id)
    const resource = 'resource' in call.target ? RESOURCES[call.target.resource] : undefined
    // Every promise settles.
    expect(outcome.settled, `request ${id} never settled`).toBe(true)
    // At most one replay, and only after a challenge.
    expect(mine.length, `sends of request ${id}`).toBeLessThanOrEqual(2)
    if (mine.length === 2) {
      expect(mine[0]?.challengeKey, `request ${id} replayed without a challenge`).toBeDefined()
      expect(mine[1]?.authorization).not.toBe(mine[0]?.authorization)
      expect(mine[1]?.body, `body of the replay of ${id}`).toBe(mine[0]?.body)
    }
    for (const send of mine) {
      if (call.own) {
        // The caller's own Authorization wins: sent as is, never answered.
        expect(send.authorization).toBe(OWN)
        expect(mine.length).toBe(1)
        continue
      }
      if (resource === undefined) {
        // Nothing reaches an unconfigured URL: no token, and its challenges are never answered.
        expect(send.authorization, `token sent to ${send.url}`).toBeNull()
        expect(mine.length).toBe(1)
        continue
      }
      // Only tokens the provider returned for this resource's scopes.
      const grant = tokenScopes.get(send.authorization ?? '')
      expect(grant?.scopes, `token of request ${id}`).toBe(scopesKey(resource.scopes))
    }
    // A replay carries a token issued for what the challenge asked.
    const [first, second] = mine
    if (second !== undefined && first?.challengeKey !== undefined) {
      const grant = tokenScopes.get(second.authorization ?? '')
      const key = first.challengeKey.startsWith('c ') ? `c ${grant?.claims}` : `s ${grant?.acr}`
      expect(key, `replay token of request ${id}`).toBe(first.challengeKey)
    }
    if (outcome.settled && !outcome.ok) {
      const { error } = outcome
      const reason = reasons[id]
      const expected =
        (reason !== undefined && client.isAbort(error, reason)) ||
        // A provider failure, never another request's abort.
        (isCaeError(error) &&
          error.code === 'ERR_CAE_TOKEN_ACQUISITION_FAILED' &&
          error.cause instanceof Error &&
          !reasons.includes(error.cause)) ||
        (isCaeError(error) && error.code === 'ERR_CAE_INTERACTION_REQUIRED') ||
        client.isHttpError(error) ||
        (error instanceof TypeError && error.message === 'fetch failed') ||
        (isAxiosError(error) && error.code === AxiosError.ERR_NETWORK)
      expect(expected, `request ${id} rejected with ${String(error)}`).toBe(true)
    }
  })
  // Claims from an unconfigured URL never reach the provider.
  for (const request of w.providerCalls) {
    expect(request.claims ?? '', 'claims leaked to the provider').not.toContain('leak-')
  }
  expect(w.violations).toEqual([])
  expect(unhandled).toEqual([])
  return { w, client, outcomes }
}

describe.each([
  ['fetch', fetchClient],
  ['axios', axiosClient],
] as const)('%s adapter', (_name, create) => {
  it('keeps its invariants under random interleavings, failures and aborts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), chaosArb, async (s, world) => {
        await burst(s, world, create)
      }),
      { numRuns: RUNS, ...(seed !== undefined && { seed }) },
    )
  })

  it('calls the provider once per scopes and claims in a storm, and every request succeeds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), stormArb, async (s, world) => {
        const { w, client, outcomes } = await burst(s, world, create)
        const keys = new Set<string>()
        world.calls.forEach((call) => {
          if (!('resource' in call.target)) return
          const resource = RESOURCES[call.target.resource]
          if (resource === undefined) return
          keys.add(`${scopesKey(resource.scopes)}\n`)
          if (call.plan.kind === 'claims')
            keys.add(`${scopesKey(resource.scopes)}\n${claimsFor(call.plan.label)}`)
        })
        expect(w.providerCalls.length).toBeLessThanOrEqual(keys.size)
        world.calls.forEach((call, id) => {
          const outcome = outcomes[id]
          // Outside the resources a challenge is not answered: the 401 comes back as it is.
          const expectedStatus =
            'resource' in call.target || call.plan.kind !== 'claims' ? 200 : 401
          if (outcome?.settled && !outcome.ok && client.isHttpError(outcome.error)) {
            expect(expectedStatus).toBe(401)
            return
          }
          expect(outcome).toMatchObject({ settled: true, ok: true, status: expectedStatus })
          if (expectedStatus === 200 && call.body !== 'none') {
            expect(outcome).toMatchObject({ body: `body-${id}-é` })
          }
        })
      }),
      { numRuns: RUNS, ...(seed !== undefined && { seed }) },
    )
  })
})
