// `pnpm bench`: runs the benchmarks on the BUILT packages and writes the figures into
// BENCHMARKS.md. Not a test: nothing here fails on a slow machine, it reports.
// With CAE_BENCH_BEFORE=<dir of an older checkout, built> (before.mjs), every table also shows
// that build, measured in the same rounds as today's.
import { execFileSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { loadBefore } from './before.mjs'
import { loadCorpus } from './corpus.mjs'
import { measureMemory } from './memory.mjs'
import { measureOverhead } from './overhead.mjs'
import { measureParsers } from './parsers.mjs'
import { measureRecovery } from './recovery.mjs'
import { measureSdkStorm, sdkStormBlock, writeSdkStorm } from './sdk-storm.mjs'
import { startServer } from './server.mjs'
import { measureStorm } from './storm.mjs'

const BENCHMARKS = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))
const START = '<!-- bench:results:start -->'
const END = '<!-- bench:results:end -->'

const cpu = os.cpus()
const loadStart = os.loadavg()
const began = Date.now()
const before = await loadBefore()
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim()
const after = git('log', '-1', '--format=%h')
const dirty = git('status', '--porcelain', '--', 'packages') !== ''
const step = async (name, run) => {
  const started = Date.now()
  const result = await run()
  console.error(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return result
}

const server = await startServer()
let overhead
let storm
let stormBefore
let sdkStorm
try {
  overhead = await step('overhead', () => measureOverhead(server, { before }))
  storm = await step('storm', () => measureStorm(server))
  if (before !== undefined) {
    stormBefore = await step('storm (before)', () =>
      measureStorm(server, { build: before, prefix: 'before-' }),
    )
  }
  sdkStorm = await step('sdk storm', () => measureSdkStorm(server))
} finally {
  await server.close()
}
const corpus = await loadCorpus()
const parsers = await step('parsers', () => measureParsers(corpus, { before }))
const recovery = await step('recovery', () => measureRecovery({ before }))
const memory = await step('memory', () => measureMemory())
const seconds = (Date.now() - began) / 1000
const loadEnd = os.loadavg()

const fixed = (n, digits = 3) => n.toFixed(digits)
const mark = (ok) => (ok ? 'met' : '**missed**')
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ')
const loads = (l) => l.map((x) => x.toFixed(2)).join(', ')
const overheadRow = (name, build, r) =>
  `| ${name} | ${build} | ${fixed(r.bare, 1)} µs | ${fixed(r.bareAuth, 1)} µs | ${fixed(r.wrapped, 1)} µs | **${fixed(r.ratio)}×** | ${fixed(r.ratioNoHeader)}× |${r.cpu ? ` ${fixed(r.cpu.bareAuth, 1)} µs | ${fixed(r.cpu.wrapped, 1)} µs | ${fixed(r.cpu.ratio)}× |` : ''} ${mark(r.ratio <= 1.03)} |`
/** The three clients, after then before for each when there is a before build. */
const overheadRows = (mode) => {
  const clients = [
    ['fetch (`createCaeFetch`), resource `/v1`', mode.fetch, 'wrapped', 'beforeWrapped'],
    [
      'fetch (`createCaeFetch`), origin-wide resource',
      mode.fetch,
      'originWide',
      'beforeOriginWide',
    ],
    ['axios (`attachCae`)', mode.axios, 'wrapped', 'beforeWrapped'],
  ]
  return clients.flatMap(([name, result, now, old]) =>
    before === undefined
      ? [overheadRow(name, 'after', result[now])]
      : [overheadRow(name, 'after', result[now]), overheadRow(name, 'before', result[old])],
  )
}
const overheadHeader = [
  '| Client | Build | Bare, no token | Bare, same Authorization header | Wrapped | Wrapped / bare with header (target ≤ 1.03×) | Wrapped / bare without token | Target |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
]
const blockHeader = [
  '| Client | Build | Bare, no token | Bare, same Authorization header | Wrapped | Wrapped / bare with header (target ≤ 1.03×) | Wrapped / bare without token | CPU, bare with header | CPU, wrapped | CPU ratio | Target (wall ratio) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
]
const stormRow = (name, build, r) =>
  `| ${name} | ${build} | ${r.providerCalls} | ${r.successes} / 1000 | ${r.maxSends} | ${mark(r.providerCalls === 1 && r.successes === 1000 && r.maxSends <= 2)} |`
const peer = {
  oauth: 'oauth4webapi',
  azure: '@azure/core-rest-pipeline',
  'azure-cae': '@azure/core-rest-pipeline, CAE decision',
}
const parserRow = (name, label) => {
  const ratio = name === 'ours' ? '1' : `**${fixed(parsers.ratios[name], 2)}×**`
  const spread =
    name === 'ours' ? '—' : parsers.spreads[name].map((x) => `${fixed(x, 2)}×`).join(' – ')
  return `| ${label} | ${fixed(parsers.perHeader[name], 3)} µs | ${fixed(1 / parsers.perHeader[name], 2)} M/s | ${ratio} | ${spread} | ${fixed(parsers.worst[name].ms, 2)} ms (${parsers.worst[name].input}) |`
}
const differenceRow = (d) =>
  `| \`${d.id}\` | ${peer[d.peer]} | \`${cell(d.ours)}\` | \`${cell(d.theirs)}\` |`
const memoryRow = (name, build, r) =>
  `| ${name} | ${build} | ${r.requests.toLocaleString('en')} / ${r.challenges.toLocaleString('en')} | ${r.sends.toLocaleString('en')} | ${r.providerCalls.toLocaleString('en')} | ${fixed(r.warmMb, 2)} MB | ${r.roundsMb.map((m) => fixed(m, 2)).join(', ')} MB | **${r.growthMb >= 0 ? '+' : ''}${fixed(r.growthMb, 2)} MB** | ${r.collected.toLocaleString('en')} / ${r.registered.toLocaleString('en')} | ${mark(r.growthMb < 1 && r.collected === r.registered && r.stubPending === 0)} |`
const recoveryRow = (build, r) =>
  `| ${build} | ${fixed(r.recovered, 2)} ms | ${fixed(recovery.baseline, 2)} ms | **${fixed(r.ratio)}×** ${mark(r.ratio <= 1.2)} | ${fixed(r.whole, 2)} ms | ${fixed(recovery.challenged, 2)} ms | ${fixed(r.ratioWithChallenge)}× |`
const fastestPeer = peer[parsers.fastest]
const afterLabel = `${after}${dirty ? ' with uncommitted changes' : ''}`
const builds =
  before === undefined
    ? `Build: ${afterLabel}.`
    : `Two builds, measured side by side in the same rounds: **after** = ${afterLabel}; **before** = ${before.commit.split(' ')[0]}, the 0.1 code just before the request-lifecycle redesign of issue 11 (\`CAE_BENCH_BEFORE\`).`

const results = [
  START,
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores), Node ${process.version}, ${os.platform()} ${os.arch()}; load average (1, 5, 15 min) ${loads(loadStart)} at the start and ${loads(loadEnd)} at the end${loadStart[0] > cpu.length ? `: a loaded machine (more runnable processes than cores), so absolute times are inflated and only ratios within the run compare` : ''}; all figures below come from this one run (${fixed(seconds, 0)} s). ${builds}`,
  '',
  `### Hot-path overhead, per request (no challenge; ${overhead.blocks} blocks × ${overhead.requests} rounds of one request per variant, median request time, ratio of block medians)`,
  '',
  ...overheadHeader,
  ...overheadRows(overhead.perRequest),
  '',
  `### Hot-path overhead, whole blocks (${overhead.rounds} rounds × a block of ${overhead.size} sequential requests per variant, shuffled; mean request time of a block, GC and tails included; ratio of the median block means; CPU = the process's CPU time per request, in-process server included)`,
  '',
  ...blockHeader,
  ...overheadRows(overhead.wholeBlocks),
  '',
  '### Storm (1,000 concurrent requests challenged with the same claims, after warm-up)',
  '',
  '| Client | Build | Provider calls | Successes (body echoed intact) | Max sends per request | Target: 1 call, 1000, ≤ 2 |',
  '| --- | --- | --- | --- | --- | --- |',
  stormRow('fetch', 'after', storm.fetch),
  ...(stormBefore ? [stormRow('fetch', 'before', stormBefore.fetch)] : []),
  stormRow('axios', 'after', storm.axios),
  ...(stormBefore ? [stormRow('axios', 'before', stormBefore.axios)] : []),
  '',
  `### Recovery after a revocation (emulator over HTTPS, msal-node client credentials with CP1; ${recovery.blocks} blocks × ${recovery.rounds} rounds, median round, ratio of block medians)`,
  '',
  '| Build | Challenge → replayed 200 (`createCaeFetch`) | Token request with the claims + plain request | Ratio (target ≤ 1.2×) | Whole call, challenged request included | Challenged request alone | Whole call ÷ (challenged + token + plain) |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  recoveryRow('after', recovery),
  ...(recovery.before ? [recoveryRow('before', recovery.before)] : []),
  '',
  `### WWW-Authenticate parsing (${parsers.values} values; median of ${parsers.runs} runs, each ${parsers.blocks} blocks × ${parsers.passes} passes per parser, median time per value; ratio = our throughput ÷ theirs)`,
  '',
  `Ours ÷ the fastest peer (${fastestPeer}): **${fixed(parsers.ratios[parsers.fastest], 2)}×** (target ≥ 1.1×: ${mark(parsers.ratios[parsers.fastest] >= 1.1)}).`,
  '',
  '| Parser | Time per value | Throughput | Ours ÷ theirs | Range over the runs | Worst hostile value ≤ 16 KiB |',
  '| --- | --- | --- | --- | --- | --- |',
  parserRow('ours', '`parseWwwAuthenticate` (cae-kit, after)'),
  ...(before ? [parserRow('before', '`parseWwwAuthenticate` (cae-kit, before)')] : []),
  parserRow('oauth', `\`parseWwwAuthenticateChallenges\` (oauth4webapi ${parsers.versions.oauth})`),
  parserRow('azure', `\`parseChallenges\` (@azure/core-rest-pipeline ${parsers.versions.azure})`),
  '',
  `Where the peers' results differ from ours on the corpus (${parsers.differences.length} differences; scheme and parameter names compared case-insensitively, "CAE decision" = which claims the 401 is answered with):`,
  '',
  '| Value | Peer | cae-kit | Peer |',
  '| --- | --- | --- | --- |',
  ...parsers.differences.map(differenceRow),
  '',
  '### Memory (100,000 wrapped requests, 10,000 challenged with distinct claims, in-process stubs; heapUsed after a forced GC)',
  '',
  '| Client | Build | Requests / challenges | Sends | Provider calls | After warm-up | After each of 5 rounds | Growth | Signals and responses collected | Target: no growth, all collected |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  memoryRow('fetch', 'after', memory.fetch),
  ...(memory.beforeFetch ? [memoryRow('fetch', 'before', memory.beforeFetch)] : []),
  memoryRow('axios', 'after', memory.axios),
  ...(memory.beforeAxios ? [memoryRow('axios', 'before', memory.beforeAxios)] : []),
  END,
].join('\n')

const current = await readFile(BENCHMARKS, 'utf8').catch(() => '')
const start = current.indexOf(START)
const end = current.indexOf(END)
const next =
  start !== -1 && end !== -1
    ? current.slice(0, start) + results + current.slice(end + END.length)
    : `${current.trimEnd()}\n\n${results}\n`
await writeFile(BENCHMARKS, next)
await writeSdkStorm(sdkStormBlock(sdkStorm))
console.log(results)
// Last, once the figures above are written: a failure here cannot lose them.
await step('fleet', async () => (await import('./fleet.mjs')).runFleet()) // writes its own section
