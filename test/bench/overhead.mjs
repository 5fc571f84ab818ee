// Hot-path overhead: the wrapped fetch and axios against bare ones, on a loopback server that
// never challenges, with a cached token. Measured two ways, in separate passes of the same run.
//
// Per request: 90 blocks × 200 rounds; each round sends one request per variant, in a freshly
// shuffled order (seeded, so runs are comparable), and times each request. A block's figure per
// variant is its median request time; the result is the ratio of the medians of those block
// figures. Taking turns request by request exposes the variants to the same moment of a shared
// machine; shuffling keeps any one variant from always following another (a fixed rotation
// measurably favours whichever follows a given variant); medians discard the requests another
// process happened to preempt.
//
// Whole blocks: 60 rounds; each round runs, per variant in a freshly shuffled order, a block of
// 300 sequential requests timed as a whole, so the block's mean includes what per-request medians
// leave out and a user pays in throughput: garbage collection, slow tails, work deferred past the
// response. The result is the ratio of the medians of the block means. Each block's CPU time
// (process.cpuUsage: this process, all its threads, the in-process server included) is taken
// too: on a loaded machine the wall time of a block also holds the time other processes ran,
// its CPU time does not.
//
// Two baselines: bare with no token at all, and bare sending the same `Authorization: Bearer
// <token>` header itself (what an app does without cae-kit). The second isolates what cae-kit
// adds (resource match, cached token lookup, header set) from the cost of carrying a token,
// which any authenticated call pays; it is the figure held to the ≤ 1.03× target.
//
// With a before build (before.mjs), its wrapped clients are more variants of the same rounds.
import { attachCae } from '@cae-kit/axios'
import { createCaeFetch } from '@cae-kit/core'
import axios from 'axios'
import { countingProvider } from './server.mjs'
import { median, random, shuffled } from './stats.mjs'

const BASELINES = ['bare', 'bareAuth']

async function timed(send) {
  const start = process.hrtime.bigint()
  await send()
  return Number(process.hrtime.bigint() - start) / 1e3
}

/** Figures per variant (µs) -> each wrapped variant against both baselines. */
function ratios(figures) {
  const { bare, bareAuth } = figures
  return Object.fromEntries(
    Object.keys(figures)
      .filter((name) => !BASELINES.includes(name))
      .map((name) => [
        name,
        {
          bare,
          bareAuth,
          wrapped: figures[name],
          ratio: figures[name] / bareAuth,
          ratioNoHeader: figures[name] / bare,
        },
      ]),
  )
}

async function warm(variants, next) {
  const names = Object.keys(variants)
  for (let i = 0; i < 200; i++) for (const name of shuffled(names, next)) await variants[name]()
}

/** Per-request medians: one request per variant per round, shuffled; median per block. */
async function perRequest(variants, { blocks, requests }) {
  const names = Object.keys(variants)
  const next = random(0x5eed)
  await warm(variants, next)
  const perBlock = Object.fromEntries(names.map((name) => [name, []]))
  for (let b = 0; b < blocks; b++) {
    const samples = Object.fromEntries(names.map((name) => [name, []]))
    for (let r = 0; r < requests; r++) {
      for (const name of shuffled(names, next)) samples[name].push(await timed(variants[name]))
    }
    for (const name of names) perBlock[name].push(median(samples[name]))
  }
  return ratios(Object.fromEntries(names.map((name) => [name, median(perBlock[name])])))
}

/**
 * Whole blocks: `size` sequential requests per variant, timed together; the median block mean,
 * in wall time and in CPU time.
 */
async function wholeBlocks(variants, { rounds, size }) {
  const names = Object.keys(variants)
  const next = random(0xb10c)
  await warm(variants, next)
  const wall = Object.fromEntries(names.map((name) => [name, []]))
  const cpu = Object.fromEntries(names.map((name) => [name, []]))
  for (let r = 0; r < rounds; r++) {
    for (const name of shuffled(names, next)) {
      const send = variants[name]
      const start = process.hrtime.bigint()
      const used = process.cpuUsage()
      for (let i = 0; i < size; i++) await send()
      const { user, system } = process.cpuUsage(used)
      wall[name].push(Number(process.hrtime.bigint() - start) / 1e3 / size)
      cpu[name].push((user + system) / size)
    }
  }
  const figures = (means) =>
    ratios(Object.fromEntries(names.map((name) => [name, median(means[name])])))
  const result = figures(wall)
  const cpuResult = figures(cpu)
  for (const name of Object.keys(result)) result[name].cpu = cpuResult[name]
  return result
}

export async function measureOverhead(
  server,
  { blocks = 90, requests = 200, rounds = 60, size = 300, before } = {},
) {
  const url = `${server.url}/v1/me`
  const path = { url: `${server.url}/v1`, scopes: ['api://bench/.default'] }
  const origin = { url: server.url, scopes: ['api://bench/.default'] }
  const authorization = 'Bearer bench-1'
  const read = (promise) => promise.then((response) => response.arrayBuffer())

  // A resource narrower than its origin makes createCaeFetch follow redirects itself (Node), so
  // an origin-wide resource is measured too.
  const fetches = (create) => ({
    path: create({ tokenProvider: countingProvider(), resources: [path] }),
    origin: create({ tokenProvider: countingProvider(), resources: [origin] }),
  })
  const after = fetches(createCaeFetch)
  const fetchVariants = {
    bare: () => read(fetch(url)),
    bareAuth: () => read(fetch(url, { headers: { authorization } })),
    wrapped: () => read(after.path(url)),
    originWide: () => read(after.origin(url)),
  }
  if (before !== undefined) {
    const old = fetches(before.createCaeFetch)
    fetchVariants.beforeWrapped = () => read(old.path(url))
    fetchVariants.beforeOriginWide = () => read(old.origin(url))
  }

  const bareAxios = axios.create()
  const caeAxios = axios.create()
  attachCae(caeAxios, { tokenProvider: countingProvider(), resources: [path] })
  const axiosVariants = {
    bare: () => bareAxios.get(url),
    bareAuth: () => bareAxios.get(url, { headers: { Authorization: authorization } }),
    wrapped: () => caeAxios.get(url),
  }
  if (before !== undefined) {
    const oldAxios = before.axios.create()
    before.attachCae(oldAxios, { tokenProvider: countingProvider(), resources: [path] })
    axiosVariants.beforeWrapped = () => oldAxios.get(url)
  }

  return {
    blocks,
    requests,
    rounds,
    size,
    perRequest: {
      fetch: await perRequest(fetchVariants, { blocks, requests }),
      axios: await perRequest(axiosVariants, { blocks, requests }),
    },
    wholeBlocks: {
      fetch: await wholeBlocks(fetchVariants, { rounds, size }),
      axios: await wholeBlocks(axiosVariants, { rounds, size }),
    },
  }
}
