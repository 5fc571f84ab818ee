// `pnpm bench`: runs the benchmarks on the BUILT packages and writes the figures into
// BENCHMARKS.md. Not a test: nothing here fails on a slow machine, it reports.
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { measureOverhead } from './overhead.mjs'
import { startServer } from './server.mjs'
import { measureStorm } from './storm.mjs'

const BENCHMARKS = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))
const START = '<!-- bench:results:start -->'
const END = '<!-- bench:results:end -->'

const server = await startServer()
let overhead
let storm
try {
  overhead = await measureOverhead(server)
  storm = await measureStorm(server)
} finally {
  await server.close()
}

const cpu = os.cpus()
const fixed = (n, digits = 3) => n.toFixed(digits)
const mark = (ok) => (ok ? 'met' : '**missed**')
const overheadRow = (name, r) =>
  `| ${name} | ${fixed(r.bare, 1)} µs | ${fixed(r.bareAuth, 1)} µs | ${fixed(r.wrapped, 1)} µs | **${fixed(r.ratio)}×** | ${fixed(r.ratioNoHeader)}× | ${mark(r.ratio <= 1.03)} |`
const stormRow = (name, r) =>
  `| ${name} | ${r.providerCalls} | ${r.successes} / 1000 | ${r.maxSends} | ${mark(r.providerCalls === 1 && r.successes === 1000 && r.maxSends <= 2)} |`

const results = [
  START,
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu[0]?.model ?? 'unknown CPU'} (${cpu.length} cores), Node ${process.version}, ${os.platform()} ${os.arch()}; load average ${os.loadavg()[0].toFixed(2)} at the start.`,
  '',
  `### Hot-path overhead (no challenge; ${overhead.blocks} blocks × ${overhead.requests} rounds of one request per variant, median request time, ratio of block medians)`,
  '',
  '| Client | Bare, no token | Bare, same Authorization header | Wrapped | Wrapped / bare with header (target ≤ 1.03×) | Wrapped / bare without token | Target |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  overheadRow('fetch (`createCaeFetch`)', overhead.fetch),
  overheadRow('axios (`attachCae`)', overhead.axios),
  '',
  '### Storm (1,000 concurrent requests challenged with the same claims, after warm-up)',
  '',
  '| Client | Provider calls | Successes (body echoed intact) | Max sends per request | Target: 1 call, 1000, ≤ 2 |',
  '| --- | --- | --- | --- | --- |',
  stormRow('fetch', storm.fetch),
  stormRow('axios', storm.axios),
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
console.log(results)
