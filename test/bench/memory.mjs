// Memory: 100,000 wrapped requests, 10,000 of them challenged, through createCaeFetch and through
// attachCae, against in-process stubs (no sockets). Runs in a child process started with
// --expose-gc so that garbage can be collected on demand.
//
// Method: a warm-up round (10,000 requests), a full GC, heapUsed; then 5 rounds of 20,000
// requests (100 at a time: 90 pass, 10 are challenged, each with its own claims, so every
// challenge is its own provider call and its own single-flight entry; a third carry an
// AbortSignal), a full GC and heapUsed after each. Reported: heapUsed after the run minus after
// the warm-up, and the figure per round (a leak grows round after round). The engine's
// single-flight map is not observable from outside, so its draining is shown through what it would
// hold: every request's AbortSignal (held by a waiting flight and by its abort listener) and every
// Response is registered with a FinalizationRegistry, and all of them must have been collected.
// With a before build (before.mjs; the child inherits CAE_BENCH_BEFORE), its clients run too.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { loadBefore } from './before.mjs'

const ROUNDS = 5
const PER_ROUND = 20_000
const BATCH = 100
const CHALLENGED_PER_BATCH = 10

/** Runs this file as the child and returns its figures. */
export function measureMemory() {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), '--child'],
      { maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`memory child failed: ${stderr || error.message}`))
        else resolve(JSON.parse(stdout))
      },
    )
  })
}

const CLAIMS = (i) => `{"access_token":{"nbf":{"essential":true,"value":"${i}"}}}`
const challenge = (i) =>
  `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(CLAIMS(i)).toString('base64')}"`

/**
 * The server side, shared by both clients: request `i` with `i % BATCH < CHALLENGED_PER_BATCH` is
 * challenged on its first send and answered on its replay; every other send gets 200.
 */
function createStub() {
  const pending = new Set()
  let sends = 0
  return {
    get sends() {
      return sends
    },
    get pending() {
      return pending.size
    },
    answer(i) {
      sends++
      if (i % BATCH >= CHALLENGED_PER_BATCH) return { status: 200, challenge: undefined }
      if (pending.delete(i)) return { status: 200, challenge: undefined }
      pending.add(i)
      return { status: 401, challenge: challenge(i) }
    },
  }
}

function createProvider() {
  const provider = {
    calls: 0,
    async getToken() {
      provider.calls++
      return { token: `t${provider.calls}`, expiresOn: Date.now() + 3_600_000 }
    },
  }
  return provider
}

const resources = [
  { url: 'https://a.test/api', scopes: ['api://a/.default'] },
  { url: 'https://b.test', scopes: ['api://b/.default', 'offline_access'] },
]
const urlOf = (i) => (i % 2 === 0 ? `https://a.test/api/items?i=${i}` : `https://b.test/x?i=${i}`)
const indexOf = (url) => Number(new URL(url).searchParams.get('i'))

async function fetchClient(tracked, { createCaeFetch }) {
  const stub = createStub()
  const provider = createProvider()
  const caeFetch = createCaeFetch({
    tokenProvider: provider,
    resources,
    fetch: async (input) => {
      const url = typeof input === 'string' ? input : input.url
      const { status, challenge } = stub.answer(indexOf(url))
      const headers = challenge === undefined ? {} : { 'www-authenticate': challenge }
      const response = new Response(status === 200 ? 'ok' : null, { status, headers })
      tracked(response)
      return response
    },
  })
  const send = async (i, signal) => {
    const response = await caeFetch(urlOf(i), signal === undefined ? undefined : { signal })
    if (response.status !== 200 || (await response.text()) !== 'ok') throw new Error(`fetch ${i}`)
  }
  return { send, stub, provider }
}

async function axiosClient(tracked, { attachCae, axios }) {
  const { AxiosError } = axios
  const stub = createStub()
  const provider = createProvider()
  const instance = axios.create({
    adapter: async (config) => {
      const { status, challenge } = stub.answer(indexOf(config.url))
      const headers = challenge === undefined ? {} : { 'www-authenticate': challenge }
      const response = { data: status === 200 ? 'ok' : '', status, statusText: '', headers, config }
      tracked(response)
      if (status === 200) return response
      throw new AxiosError(`status ${status}`, 'ERR_BAD_REQUEST', config, null, response)
    },
  })
  attachCae(instance, { tokenProvider: provider, resources })
  const send = async (i, signal) => {
    const response = await instance.get(urlOf(i), signal === undefined ? {} : { signal })
    if (response.status !== 200 || response.data !== 'ok') throw new Error(`axios ${i}`)
  }
  return { send, stub, provider }
}

async function collect() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc()
    // Finalization callbacks run as tasks after a collection.
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}

async function run(create, build) {
  let registered = 0
  let finalized = 0
  const registry = new FinalizationRegistry(() => {
    finalized++
  })
  const tracked = (object) => {
    registered++
    registry.register(object, undefined)
  }
  const client = await create(tracked, build)
  let next = 0
  const round = async (count) => {
    for (let b = 0; b < count; b += BATCH) {
      const batch = []
      for (let k = 0; k < BATCH; k++) {
        const i = next++
        let signal
        if (i % 3 === 0) {
          signal = new AbortController().signal
          tracked(signal)
        }
        batch.push(client.send(i, signal))
      }
      await Promise.all(batch)
    }
  }
  await round(10_000)
  const warm = await collect()
  const sendsBefore = client.stub.sends
  const callsBefore = client.provider.calls
  const heap = []
  for (let r = 0; r < ROUNDS; r++) {
    await round(PER_ROUND)
    heap.push(await collect())
  }
  const requests = ROUNDS * PER_ROUND
  return {
    requests,
    challenges: requests * (CHALLENGED_PER_BATCH / BATCH),
    sends: client.stub.sends - sendsBefore,
    providerCalls: client.provider.calls - callsBefore,
    stubPending: client.stub.pending,
    warmMb: warm / 2 ** 20,
    roundsMb: heap.map((h) => h / 2 ** 20),
    growthMb: (heap[heap.length - 1] - warm) / 2 ** 20,
    registered,
    collected: finalized,
  }
}

if (process.argv.includes('--child')) {
  const { createCaeFetch } = await import('@cae-kit/core')
  const { attachCae } = await import('@cae-kit/axios')
  const { default: axios } = await import('axios')
  const before = await loadBefore()
  const out = {}
  out.fetch = await run(fetchClient, { createCaeFetch })
  if (before !== undefined) out.beforeFetch = await run(fetchClient, before)
  out.axios = await run(axiosClient, { attachCae, axios })
  if (before !== undefined) out.beforeAxios = await run(axiosClient, before)
  process.stdout.write(JSON.stringify(out))
}
