// `pnpm bench`: runs the benchmarks on the BUILT packages and writes the figures into
// BENCHMARKS.md. Not a test: nothing here fails on a slow machine, it reports.
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
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
const load = os.loadavg()[0]
const began = Date.now()
const step = async (name, run) => {
  const started = Date.now()
  const result = await run()
  console.error(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return result
}

const server = await startServer()
let overhead
let storm
let sdkStorm
try {
  overhead = await step('overhead', () => measureOverhead(server))
  storm = await step('storm', () => measureStorm(server))
  sdkStorm = await step('sdk storm', () => measureSdkStorm(server))
} finally {
  await server.close()
}
const corpus = await loadCorpus()
const parsers = await step('parsers', () => measureParsers(corpus))
const recovery = await step('recovery', () => measureRecovery())
const memory = await step('memory', () => measureMemory())
await step('fleet', async () => (await import('./fleet.mjs')).runFleet()) // writes its own section
const seconds = (Date.now() - began) / 1000

const fixed = (n, digits = 3) => n.toFixed(digits)
const mark = (ok) => (ok ? 'met' : '**missed**')
const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ')
const overheadRow = (name, r) =>
  `| ${name} | ${fixed(r.bare, 1)} µs | ${fixed(r.bareAuth, 1)} µs | ${fixed(r.wrapped, 1)} µs | **${fixed(r.ratio)}×** | ${fixed(r.ratioNoHeader)}× | ${mark(r.ratio <= 1.03)} |`
const stormRow = (name, r) =>
  `| ${name} | ${r.providerCalls} | ${r.successes} / 1000 | ${r.maxSends} | ${mark(r.providerCalls === 1 && r.successes === 1000 && r.maxSends <= 2)} |`
const peer = {
  oauth: 'oauth4webapi',
  azure: '@azure/core-rest-pipeline',
  'azure-cae': '@azure/core-rest-pipeline, CAE decision',
}
const parserRow = (name, label, version) =>
  `| ${label}${version ? ` ${version}` : ''} | ${fixed(parsers.perHeader[name], 2)} µs | ${fixed(1 / parsers.perHeader[name], 2)} M/s | ${name === 'ours' ? '1' : `**${fixed(parsers.ratios[name], 2)}×**`} | ${fixed(parsers.worst[name].ms, 2)} ms (${parsers.worst[name].input}) |`
const differenceRow = (d) =>
  `| \`${d.id}\` | ${peer[d.peer]} | \`${cell(d.ours)}\` | \`${cell(d.theirs)}\` |`
const memoryRow = (name, r) =>
  `| ${name} | ${r.requests.toLocaleString('en')} / ${r.challenges.toLocaleString('en')} | ${r.sends.toLocaleString('en')} | ${r.providerCalls.toLocaleString('en')} | ${fixed(r.warmMb, 2)} MB | ${r.roundsMb.map((m) => fixed(m, 2)).join(', ')} MB | **${r.growthMb >= 0 ? '+' : ''}${fixed(r.growthMb, 2)} MB** | ${r.collected.toLocaleString('en')} / ${r.registered.toLocaleString('en')} | ${mark(r.growthMb < 1 && r.collected === r.registered && r.stubPending === 0)} |`

const results = [
  START,
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores), Node ${process.version}, ${os.platform()} ${os.arch()}; load average ${load.toFixed(2)} at the start; all figures below come from this one run (${fixed(seconds, 0)} s).`,
  '',
  `### Hot-path overhead (no challenge; ${overhead.blocks} blocks × ${overhead.requests} rounds of one request per variant, median request time, ratio of block medians)`,
  '',
  '| Client | Bare, no token | Bare, same Authorization header | Wrapped | Wrapped / bare with header (target ≤ 1.03×) | Wrapped / bare without token | Target |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  overheadRow('fetch (`createCaeFetch`), resource `/v1`', overhead.fetch),
  overheadRow('fetch (`createCaeFetch`), origin-wide resource', overhead.fetch.originWide),
  overheadRow('axios (`attachCae`)', overhead.axios),
  '',
  '### Storm (1,000 concurrent requests challenged with the same claims, after warm-up)',
  '',
  '| Client | Provider calls | Successes (body echoed intact) | Max sends per request | Target: 1 call, 1000, ≤ 2 |',
  '| --- | --- | --- | --- | --- |',
  stormRow('fetch', storm.fetch),
  stormRow('axios', storm.axios),
  '',
  `### Recovery after a revocation (emulator over HTTPS, msal-node client credentials with CP1; ${recovery.blocks} blocks × ${recovery.rounds} rounds, median round, ratio of block medians)`,
  '',
  '| Challenge → replayed 200 (`createCaeFetch`) | Token request with the claims + plain request | Ratio (target ≤ 1.2×) | Whole call, challenged request included | Challenged request alone | Whole call ÷ (challenged + token + plain) |',
  '| --- | --- | --- | --- | --- | --- |',
  `| ${fixed(recovery.recovered, 2)} ms | ${fixed(recovery.baseline, 2)} ms | **${fixed(recovery.ratio)}×** ${mark(recovery.ratio <= 1.2)} | ${fixed(recovery.whole, 2)} ms | ${fixed(recovery.challenged, 2)} ms | ${fixed(recovery.ratioWithChallenge)}× |`,
  '',
  `### WWW-Authenticate parsing (${parsers.values} values, ${parsers.blocks} blocks × ${parsers.passes} passes per parser, median time per value; ratio = our throughput ÷ theirs)`,
  '',
  '| Parser | Time per value | Throughput | Ours ÷ theirs | Worst hostile value ≤ 16 KiB |',
  '| --- | --- | --- | --- | --- |',
  parserRow('ours', '`parseWwwAuthenticate` (cae-kit)'),
  parserRow(
    'oauth',
    '`parseWwwAuthenticateChallenges` (oauth4webapi',
    `${parsers.versions.oauth})`,
  ),
  parserRow('azure', '`parseChallenges` (@azure/core-rest-pipeline', `${parsers.versions.azure})`),
  '',
  `Where the peers' results differ from ours on the corpus (${parsers.differences.length} differences; scheme and parameter names compared case-insensitively, "CAE decision" = which claims the 401 is answered with):`,
  '',
  '| Value | Peer | cae-kit | Peer |',
  '| --- | --- | --- | --- |',
  ...parsers.differences.map(differenceRow),
  '',
  '### Memory (100,000 wrapped requests, 10,000 challenged with distinct claims, in-process stubs; heapUsed after a forced GC)',
  '',
  '| Client | Requests / challenges | Sends | Provider calls | After warm-up | After each of 5 rounds | Growth | Signals and responses collected | Target: no growth, all collected |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  memoryRow('fetch', memory.fetch),
  memoryRow('axios', memory.axios),
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
