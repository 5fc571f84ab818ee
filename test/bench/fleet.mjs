// The fleet benchmark: 8 daemon processes (examples/fleet's worker: msal-node client credentials
// with CP1, `createCaeFetch`, `fromMsalNode`) against the emulator over HTTPS, with the Redis
// coordinator of `@cae-kit/redis` on a real redis-server, beside the same 8 processes without it.
//
// - Location event: `leaveTrustedLocation()`, then 25 concurrent calls in each process. Counted:
//   token requests that answer the challenge, calls that succeed, and each call's latency. The two
//   fleets take turns (ABBA over `rounds` rounds, one event each) and the ratio is between the
//   medians of all calls of each fleet in this run.
// - The coordinator's own cost per acquisition, in one process: `acquire` with a provider that
//   answers at once (so only the coordination is timed), Redis commands counted by the server
//   (`INFO commandstats`); and taking a token another process already shared.
// - Faults during a storm (lock holder SIGKILLed, Redis stopped, Redis restarted), a disabled
//   service principal, Entra's throttling (4 per 10 s) on.
// - Per event, the fallbacks each coordinated process reported (`onFallback`): each is one token
//   request on top of the lock holder's.
//
// Run alone: `node test/bench/fleet.mjs` (after `pnpm build`): writes its section of
// BENCHMARKS.md. `pnpm bench` runs it too. Needs redis-server (`apt-get install -y redis-server`).
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import {
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  startEmulator,
} from '@cae-kit/emulator'
import { createRedisCoordinator } from '@cae-kit/redis'
import { createClient } from 'redis'
import { startFleet } from '../../examples/fleet/dist/fleet.js'
import { RedisServerMissingError, startRedis } from '../../examples/fleet/dist/redis.js'
import { median, tally } from '../../examples/fleet/dist/tally.js'

const BENCHMARKS = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))
const START = '<!-- bench:fleet:start -->'
const END = '<!-- bench:fleet:end -->'
const PROCESSES = 8
const REQUESTS = 25
const LOCK_TTL_MS = 2_000
const WAIT_TIMEOUT_MS = 3_000
const progress = (step) => console.error(`bench: fleet: ${step}`)

/** Commands the server ran so far (sum of `calls` in INFO commandstats). */
async function commandCount(client) {
  const info = await client.info('commandstats')
  let calls = 0
  for (const match of info.matchAll(/calls=(\d+)/g)) calls += Number(match[1])
  return calls
}

/** One process, no fleet: what the coordinator itself costs per acquisition. */
async function coordinatorCost(redisUrl, acquisitions = 200) {
  const admin = createClient({ url: redisUrl })
  const first = createClient({ url: redisUrl })
  const second = createClient({ url: redisUrl })
  for (const client of [admin, first, second]) client.on('error', () => {})
  await Promise.all([admin.connect(), first.connect(), second.connect()])
  const namespace = `bench-cost-${Date.now()}`
  // With encryption, as production should run it.
  const encryptionKey = randomBytes(32)
  const acquirer = createRedisCoordinator(first, { namespace, encryptionKey })
  const taker = createRedisCoordinator(second, { namespace, encryptionKey })
  const request = (i, rejectedToken) => ({
    partition: undefined,
    scopes: ['api://cae-emulator/.default'],
    claims: `{"access_token":{"nbf":{"essential":true,"value":"${i}"}}}`,
    stepUp: undefined,
    reason: 'challenge',
    rejectedToken,
    signal: new AbortController().signal,
  })
  const token = (i) => ({ token: `token-${i}`, expiresOn: Date.now() + 3_600_000 })
  try {
    // Warm-up: connections, subscriptions, JIT.
    for (let i = 0; i < 20; i++) await acquirer.acquire(request(-i - 1), async () => token(-i - 1))
    const acquire = []
    const take = []
    let acquireCommands = 0
    let takeCommands = 0
    let providerCalls = 0
    for (let i = 0; i < acquisitions; i++) {
      let before = await commandCount(admin)
      let started = performance.now()
      await acquirer.acquire(request(i), async () => token(i))
      acquire.push(performance.now() - started)
      acquireCommands += (await commandCount(admin)) - before - 1 // minus INFO itself
      // Another process, challenged while holding an older token, takes the shared one.
      before = await commandCount(admin)
      started = performance.now()
      await taker.acquire(request(i, 'older-token'), async () => {
        providerCalls++
        return token(`taker-${i}`)
      })
      take.push(performance.now() - started)
      takeCommands += (await commandCount(admin)) - before - 1
    }
    return {
      acquisitions,
      acquireMs: median(acquire),
      acquireCommands: acquireCommands / acquisitions,
      takeMs: median(take),
      takeCommands: takeCommands / acquisitions,
      takerProviderCalls: providerCalls,
    }
  } finally {
    await Promise.allSettled([acquirer.close(), taker.close()])
    for (const client of [admin, first, second]) client.destroy()
  }
}

export async function measureFleet({ rounds = 4 } = {}) {
  const redis = await startRedis()
  const idp = await startEmulator({ port: 0 })
  const admin = createClient({ url: redis.url })
  admin.on('error', () => {})
  const common = {
    emulator: idp,
    clientId: DEFAULT_DAEMON_CLIENT_ID,
    clientSecret: DEFAULT_DAEMON_CLIENT_SECRET,
    size: PROCESSES,
  }
  let coordinated
  let alone
  try {
    await admin.connect()
    ;[coordinated, alone] = await Promise.all([
      startFleet({
        ...common,
        redisUrl: redis.url,
        namespace: `bench-${Date.now()}`,
        lockTtlMs: LOCK_TTL_MS,
        waitTimeoutMs: WAIT_TIMEOUT_MS,
      }),
      startFleet(common),
    ])
    const fleets = { with: coordinated, without: alone }
    // Counts Redis commands around the storm unless Redis is down (a command would wait for it).
    const storm = async (name, requests, { count = name === 'with' } = {}) => {
      const logStart = idp.admin.tokenRequests().length
      const commands = count ? await commandCount(admin) : 0
      const result = await fleets[name].storm(requests)
      const t = tally(result, idp.admin, DEFAULT_DAEMON_CLIENT_ID, logStart)
      t.redisCommands = count ? (await commandCount(admin)) - commands - 1 : 0
      t.latencies = result.results.flat().map((call) => call.ms)
      return t
    }

    progress('fleets started')
    const startup = { with: await storm('with', 1), without: await storm('without', 1) }

    progress('start-up done')
    // Location events, the fleets taking turns: with, without, without, with, ...
    const location = { with: [], without: [] }
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['with', 'without'] : ['without', 'with']
      for (const name of order) {
        idp.admin.leaveTrustedLocation()
        location[name].push(await storm(name, REQUESTS))
      }
    }
    const summary = (name) => {
      const runs = location[name]
      return {
        runs: runs.length,
        withClaims: runs.map((t) => t.withClaims),
        fallbacks: runs.map((t) => t.fallbacks),
        fallbackReasons: runs.map((t) => t.fallbackReasons),
        succeeded: runs.map((t) => t.succeeded),
        calls: runs[0].calls,
        medianMs: median(runs.flatMap((t) => t.latencies)),
        maxMs: Math.max(...runs.map((t) => t.maxMs)),
        redisCommands: median(runs.map((t) => t.redisCommands)),
      }
    }
    const recovery = { with: summary('with'), without: summary('without') }
    progress('location rounds done')

    // Entra's throttling on: each fleet gets a fresh window for its event.
    const throttling = {}
    for (const name of ['with', 'without']) {
      idp.admin.leaveTrustedLocation()
      idp.admin.throttleTokenRequests({ limit: 4, windowMs: 10_000 })
      throttling[name] = await storm(name, 5)
    }
    idp.admin.throttleTokenRequests(false)

    progress('throttling done')
    // A disabled service principal, both fleets, before the faults (so every process is connected
    // to Redis and none is in its post-failure backoff: that costs a fallback each, by design).
    await storm('with', 1) // every process holds a working token
    await storm('without', 1)
    idp.admin.disableServicePrincipal(DEFAULT_DAEMON_CLIENT_ID)
    const disabled = { with: await storm('with', 3), without: await storm('without', 3) }
    idp.admin.reset()

    progress('disabled service principal done')
    // Faults during a storm, coordinated fleet only.
    const faults = {}
    idp.admin.leaveTrustedLocation()
    idp.admin.delayTokenRequests(1, LOCK_TTL_MS)
    let killed
    const stop = coordinated.onAcquiring((index) => {
      if (killed !== undefined) return
      killed = index
      coordinated.kill(index)
    })
    faults.holderKilled = await storm('with', 5, { count: false })
    stop()
    await redis.stop()
    idp.admin.leaveTrustedLocation()
    faults.redisStopped = await storm('with', 5, { count: false })
    await redis.start()
    idp.admin.leaveTrustedLocation()
    const logStart = idp.admin.tokenRequests().length
    const during = coordinated.storm(5)
    await redis.stop()
    await redis.start()
    faults.redisRestarted = tally(await during, idp.admin, DEFAULT_DAEMON_CLIENT_ID, logStart)
    faults.processes = coordinated.alive().length

    progress('faults done')
    const cost = await coordinatorCost(redis.url)
    return { startup, recovery, throttling, faults, disabled, cost, rounds }
  } finally {
    await Promise.allSettled([coordinated?.close(), alone?.close()])
    admin.destroy()
    await idp.close()
    await redis.close()
  }
}

const fixed = (n, digits = 1) => n.toFixed(digits)
const mark = (ok) => (ok ? 'met' : '**missed**')
/** Fallbacks of one storm and their reasons: `0`, `2 (timeout, backoff)`. */
const fellBack = (count, reasons) =>
  count === 0
    ? '0'
    : `${count} (${Object.entries(reasons)
        .map(([reason, n]) => (n === 1 ? reason : `${n}× ${reason}`))
        .join(', ')})`
const codes = (t) =>
  Object.entries(t.failures)
    .map(([code, count]) => `${count}× \`${code}\``)
    .join(', ') || 'none'

export function fleetBlock(r) {
  const ratio = r.recovery.with.medianMs / r.recovery.without.medianMs
  const w = r.recovery.with
  const wo = r.recovery.without
  const perPod = w.redisCommands / PROCESSES
  const faultRow = (name, t) =>
    `| ${name} | ${t.succeeded} / ${t.calls} | ${t.tokenRequests} (≤ ${r.faults.processes + (name.startsWith('Lock') ? 1 : 0)} processes) | ${fellBack(t.fallbacks, t.fallbackReasons)} | ${fixed(t.maxMs, 0)} ms | ${mark(t.succeeded === t.calls && t.tokenRequests <= PROCESSES)} |`
  return [
    START,
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)} at the end; one run, ${PROCESSES} processes per fleet, both fleets alive throughout, lock TTL ${LOCK_TTL_MS} ms and wait bound ${WAIT_TIMEOUT_MS} ms.`,
    '',
    `| ${PROCESSES} processes × ${REQUESTS} concurrent calls, one \`leaveTrustedLocation()\` per round (${r.rounds} rounds per fleet, taking turns) | With the coordinator | Without | Target |`,
    '| --- | --- | --- | --- |',
    `| Token requests answering the challenge, per round | ${w.withClaims.join(', ')} | ${wo.withClaims.join(', ')} | 1 with it ${mark(w.withClaims.every((n) => n === 1))} |`,
    `| Fallbacks the processes reported (\`onFallback\`: each one more token request), per round | ${w.fallbacks.map((n, i) => fellBack(n, w.fallbackReasons[i])).join('; ')} | – | token requests = 1 + fallbacks ${mark(w.withClaims.every((n, i) => n === 1 + w.fallbacks[i]))} |`,
    `| Calls that succeeded, per round | ${w.succeeded.map((n) => `${n}/${w.calls}`).join(', ')} | ${wo.succeeded.map((n) => `${n}/${wo.calls}`).join(', ')} | all ${mark(w.succeeded.every((n) => n === w.calls))} |`,
    `| Fleet start-up: token requests (first call in every process at once) | ${r.startup.with.tokenRequests} (fallbacks: ${fellBack(r.startup.with.fallbacks, r.startup.with.fallbackReasons)}) | ${r.startup.without.tokenRequests} | 1 ${mark(r.startup.with.tokenRequests === 1)} |`,
    `| Recovery latency per call, median of all ${w.calls * w.runs} calls | ${fixed(w.medianMs)} ms | ${fixed(wo.medianMs)} ms | ratio **${fixed(ratio, 2)}×** (≤ 1.3× ${mark(ratio <= 1.3)}) |`,
    `| Slowest call | ${fixed(w.maxMs, 0)} ms | ${fixed(wo.maxMs, 0)} ms | |`,
    `| Redis commands per event, whole fleet (median round) | ${w.redisCommands} | – | |`,
    '',
    `The coordinator's own cost, one process, ${r.cost.acquisitions} acquisitions with a provider that answers at once (AES-256-GCM on, Redis on loopback; commands counted by the server):`,
    '',
    '| Path | Median time | Redis commands per acquisition |',
    '| --- | --- | --- |',
    `| Acquire under the lock, share the token | ${fixed(r.cost.acquireMs, 2)} ms | ${fixed(r.cost.acquireCommands)} |`,
    `| Take the token another process shared (rejected-token rule) | ${fixed(r.cost.takeMs, 2)} ms | ${fixed(r.cost.takeCommands)} (provider calls: ${r.cost.takerProviderCalls}) |`,
    '',
    'Faults during a storm of 5 calls per process, coordinated fleet:',
    '',
    '| Fault | Calls that succeeded | Token requests | Fallbacks reported | Slowest call | Target: all, ≤ processes |',
    '| --- | --- | --- | --- | --- | --- |',
    faultRow('Lock holder SIGKILLed while its token request hangs', r.faults.holderKilled),
    faultRow('Redis stopped', r.faults.redisStopped),
    faultRow('Redis stopped and restarted mid-storm', r.faults.redisRestarted),
    '',
    '| Event | With the coordinator | Without | Target |',
    '| --- | --- | --- | --- |',
    `| Service principal disabled, 3 calls per process: token requests | ${r.disabled.with.tokenRequests} (fallbacks: ${r.disabled.with.fallbacks}) | ${r.disabled.without.tokenRequests} | 1 ${mark(r.disabled.with.tokenRequests === 1)} |`,
    `| … outcome of the calls | ${codes(r.disabled.with)} | ${codes(r.disabled.without)} | all \`ERR_CAE_ACCESS_BLOCKED\` ${mark(r.disabled.with.failures.ERR_CAE_ACCESS_BLOCKED === r.disabled.with.calls)} |`,
    `| Throttling on (4 per 10 s), location event, 5 calls per process: token requests / 429s | ${r.throttling.with.tokenRequests} / ${r.throttling.with.throttled} | ${r.throttling.without.tokenRequests} / ${r.throttling.without.throttled} | no 429 with it ${mark(r.throttling.with.throttled === 0)} |`,
    `| … calls that succeeded | ${r.throttling.with.succeeded} / ${r.throttling.with.calls} | ${r.throttling.without.succeeded} / ${r.throttling.without.calls} | |`,
    '',
    `**100 pods, on paper.** Without a coordinator one event costs 100 token requests within the same second (against any per-app limit: with the emulator's 4 per 10 s, 96 of them are refused and those pods fail for \`Retry-After: 60\`). With it, still **1** token request: the others wait for a notification instead of asking. Redis work grows linearly: ${fixed(perPod)} commands per pod per event here (${w.redisCommands} for ${PROCESSES}), so about ${Math.round(perPod * 100)} for 100 pods, once per event — noise for one Redis. The waiters' latency is the acquirer's token request plus one notification, independent of the number of pods; the acquisition cost above (${fixed(r.cost.acquireMs, 2)} ms) is paid once per event.`,
    END,
  ].join('\n')
}

export async function writeFleet(block) {
  const current = await readFile(BENCHMARKS, 'utf8')
  const start = current.indexOf(START)
  const end = current.indexOf(END)
  const next =
    start !== -1 && end !== -1
      ? current.slice(0, start) + block + current.slice(end + END.length)
      : `${current.trimEnd()}\n\n${block}\n`
  await writeFile(BENCHMARKS, next)
}

/**
 * Measures, writes the Fleet section of BENCHMARKS.md, returns the block. Without redis-server it
 * says how to install it and leaves the section as it was.
 */
export async function runFleet() {
  let figures
  try {
    figures = await measureFleet()
  } catch (error) {
    if (!(error instanceof RedisServerMissingError)) throw error
    console.error(`bench: fleet skipped: ${error.message}`)
    return undefined
  }
  const block = fleetBlock(figures)
  await writeFleet(block)
  return block
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await runFleet())
}
