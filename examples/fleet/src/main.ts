#!/usr/bin/env node
/**
 * `pnpm demo:fleet`: an emulator, a redis-server on a free port and N daemon processes. The same
 * CAE events hit the fleet twice, first with the Redis coordinator, then without it, and each
 * event prints how many token requests the whole fleet made.
 *
 * Options: `--processes N` (default 8), `--requests M` concurrent calls per process and event
 * (default 25). Exit code 1 when redis-server is missing (the message says how to install it).
 */
import {
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  type RunningEmulator,
  startEmulator,
} from '@cae-kit/emulator'
import { type Fleet, startFleet } from './fleet'
import { RedisServerMissingError, startRedis } from './redis-server'
import { type StormTally, tally } from './tally'

function readNumber(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name)
  if (at < 0) return fallback
  const value = Number(args[at + 1])
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

/** One event of the demo: what the administrator does, then a storm of calls in every process. */
interface DemoEvent {
  name: string
  raise(idp: RunningEmulator): void
  requests: number
}

function events(requests: number): DemoEvent[] {
  return [
    { name: 'start-up (first token)', raise: () => {}, requests: 1 },
    {
      name: 'location change (leaveTrustedLocation)',
      raise: (idp) => idp.admin.leaveTrustedLocation(),
      requests,
    },
    {
      name: 'location change, Entra throttling on (4 per 10 s)',
      raise: (idp) => {
        idp.admin.throttleTokenRequests({ limit: 4, windowMs: 10_000 })
        idp.admin.leaveTrustedLocation()
      },
      requests,
    },
    {
      name: 'service principal disabled',
      raise: (idp) => {
        idp.admin.throttleTokenRequests(false)
        idp.admin.disableServicePrincipal(DEFAULT_DAEMON_CLIENT_ID)
      },
      requests: 1,
    },
  ]
}

function describe(t: StormTally): string {
  const failures = Object.entries(t.failures)
    .map(([code, count]) => `${count}× ${code}`)
    .join(', ')
  const throttled = t.throttled ? ` (${t.throttled} throttled: 429)` : ''
  return `${t.tokenRequests} token request${t.tokenRequests === 1 ? '' : 's'}${throttled}, ${t.succeeded}/${t.calls} calls ok${failures ? `, ${failures}` : ''}, median ${t.medianMs.toFixed(0)} ms${fallbacksOf(t)}`
}

/** The coordinators' fallbacks (each one more token request), by reason: `, 1 fallback (timeout)`. */
function fallbacksOf(t: StormTally): string {
  if (t.fallbacks === 0) return ''
  const reasons = Object.entries(t.fallbackReasons)
    .map(([reason, count]) => (count === 1 ? reason : `${count}× ${reason}`))
    .join(', ')
  return `, ${t.fallbacks} fallback${t.fallbacks === 1 ? '' : 's'} (${reasons})`
}

async function runMode(
  idp: RunningEmulator,
  redisUrl: string | undefined,
  processes: number,
  requests: number,
): Promise<StormTally[]> {
  idp.admin.reset()
  const label = redisUrl ? 'with the Redis coordinator' : 'without a coordinator'
  console.log(`\n${processes} daemon processes ${label}:`)
  const fleet: Fleet = await startFleet({
    emulator: idp,
    clientId: DEFAULT_DAEMON_CLIENT_ID,
    clientSecret: DEFAULT_DAEMON_CLIENT_SECRET,
    size: processes,
    // A namespace per run: nothing from an earlier run is shared.
    namespace: `demo-${Date.now()}`,
    ...(redisUrl !== undefined && { redisUrl }),
  })
  const tallies: StormTally[] = []
  try {
    for (const event of events(requests)) {
      event.raise(idp)
      const logStart = idp.admin.tokenRequests().length
      const storm = await fleet.storm(event.requests)
      const t = tally(storm, idp.admin, DEFAULT_DAEMON_CLIENT_ID, logStart)
      tallies.push(t)
      console.log(`  ${event.name}: ${describe(t)}`)
    }
  } finally {
    await fleet.close()
  }
  return tallies
}

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  const processes = readNumber(args, '--processes', 8)
  const requests = readNumber(args, '--requests', 25)
  let redis: Awaited<ReturnType<typeof startRedis>>
  try {
    redis = await startRedis()
  } catch (error) {
    if (error instanceof RedisServerMissingError) {
      console.error(`demo:fleet: ${error.message}`)
      return 1
    }
    throw error
  }
  const idp = await startEmulator({ port: 0 })
  try {
    console.log(`emulator ${idp.url}, redis-server ${redis.url}`)
    const withCoordinator = await runMode(idp, redis.url, processes, requests)
    const without = await runMode(idp, undefined, processes, requests)
    console.log('\nToken requests per event, whole fleet (with coordinator / without):')
    events(requests).forEach((event, i) => {
      const a = withCoordinator[i]
      const b = without[i]
      // With the coordinator: one (the lock holder's) plus one per fallback its processes reported.
      const fell = a?.fallbacks ? ` (${a.fallbacks} fell back)` : ''
      if (a && b) console.log(`  ${event.name}: ${a.tokenRequests}${fell} / ${b.tokenRequests}`)
    })
    return 0
  } finally {
    await idp.close()
    await redis.close()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`demo:fleet: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  },
)
