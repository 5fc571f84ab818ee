// The Microsoft Graph SDK storm: 1,000 concurrent calls through the real graph-client
// (`@cae-kit/graph-client`) and Kiota (`@cae-kit/kiota`) clients, all challenged for the same
// claims after the token they were sent with is revoked. Counts token requests (provider calls),
// successes whose response echoes the body sent, sends per request, and the storm's wall time
// beside the same storm through `createCaeFetch`.
//
// Run alone: `node test/bench/sdk-storm.mjs` (after `pnpm build`): writes its block of
// BENCHMARKS.md. `pnpm bench` runs it too.
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { createCaeFetch } from '@cae-kit/core'
import { createGraphClientMiddleware } from '@cae-kit/graph-client'
import { createKiotaMiddleware } from '@cae-kit/kiota'
import {
  AnonymousAuthenticationProvider,
  HttpMethod,
  RequestInformation,
} from '@microsoft/kiota-abstractions'
import {
  FetchRequestAdapter,
  KiotaClientFactory,
  MiddlewareFactory,
} from '@microsoft/kiota-http-fetchlibrary'
import {
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RetryHandler,
  TelemetryHandler,
} from '@microsoft/microsoft-graph-client'
import { countingProvider, startServer } from './server.mjs'

const BENCHMARKS = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))
const START = '<!-- bench:sdk-storm:start -->'
const END = '<!-- bench:sdk-storm:end -->'

/** Warms a client up, revokes its token, then fires `size` concurrent calls and times them. */
async function storm(name, server, provider, size, send) {
  await send(`${name}-warm`, 'warm')
  server.revoke(`Bearer ${name}-1`)
  const calls = provider.calls
  const started = performance.now()
  const results = await Promise.allSettled(
    Array.from({ length: size }, (_, i) => send(`${name}-${i}`, `body-${name}-${i}`)),
  )
  const ms = performance.now() - started
  const ids = [...server.sends.keys()].filter((id) => /-\d+$/.test(id) && id.startsWith(`${name}-`))
  return {
    providerCalls: provider.calls - calls,
    successes: results.filter((r) => r.status === 'fulfilled' && r.value).length,
    maxSends: Math.max(...ids.map((id) => server.sends.get(id))),
    ms,
  }
}

/** One storm per client, each with its own provider and client (names suffixed by `round`). */
async function round(server, size, suffix) {
  const base = `${server.url}/v1`
  const resources = [{ url: base, scopes: ['api://bench/.default'] }]
  const out = {}

  const fetchName = `sdkfetch${suffix}`
  const fetchProvider = countingProvider(fetchName)
  const caeFetch = createCaeFetch({ tokenProvider: fetchProvider, resources })
  out.fetch = await storm(fetchName, server, fetchProvider, size, async (id, body) => {
    const response = await caeFetch(`${base}/items`, {
      method: 'POST',
      body,
      headers: { 'x-request-id': id },
    })
    return response.status === 200 && (await response.text()) === body
  })

  const graphName = `graph${suffix}`
  const graphProvider = countingProvider(graphName)
  // graph-client takes only https URLs as absolute paths: the loopback server is its baseUrl.
  const client = Client.initWithMiddleware({
    baseUrl: server.url,
    defaultVersion: 'v1',
    middleware: [
      createGraphClientMiddleware({ tokenProvider: graphProvider, resources }),
      new RetryHandler(),
      new RedirectHandler(),
      new TelemetryHandler(),
      new HTTPMessageHandler(),
    ],
  })
  out.graphClient = await storm(graphName, server, graphProvider, size, async (id, body) => {
    const text = await client
      .api('/items')
      .header('x-request-id', id)
      .header('content-type', 'text/plain')
      .responseType('text')
      .post(body)
    return text === body
  })

  const kiotaName = `kiota${suffix}`
  const kiotaProvider = countingProvider(kiotaName)
  const middlewares = MiddlewareFactory.getDefaultMiddlewares()
  middlewares.splice(-1, 0, createKiotaMiddleware({ tokenProvider: kiotaProvider, resources }))
  const adapter = new FetchRequestAdapter(
    new AnonymousAuthenticationProvider(),
    undefined,
    undefined,
    KiotaClientFactory.create(undefined, middlewares),
  )
  adapter.baseUrl = base
  out.kiota = await storm(kiotaName, server, kiotaProvider, size, async (id, body) => {
    const info = new RequestInformation(HttpMethod.POST, '{+baseurl}/items')
    info.headers.tryAdd('x-request-id', id)
    info.setStreamContent(new TextEncoder().encode(body).buffer, 'text/plain')
    const bytes = await adapter.sendPrimitive(info, 'ArrayBuffer', undefined)
    return new TextDecoder().decode(bytes) === body
  })
  return out
}

/**
 * Two rounds of the three storms; the second is reported. The clients share the global fetch's
 * connection pool and the process warms up (JIT, pool of 1,000 sockets) during the first round,
 * which would otherwise be charged to whichever client goes first.
 */
export async function measureSdkStorm(server, size = 1000) {
  await round(server, size, 'w')
  return round(server, size, '')
}

/** The BENCHMARKS.md block for `results`. */
export function sdkStormBlock(results) {
  const mark = (r) =>
    r.providerCalls === 1 && r.successes === 1000 && r.maxSends <= 2 ? 'met' : '**missed**'
  const row = (name, r) =>
    `| ${name} | ${r.providerCalls} | ${r.successes} / 1000 | ${r.maxSends} | ${r.ms.toFixed(0)} ms | ${(r.ms / results.fetch.ms).toFixed(2)}× | ${mark(r)} |`
  return [
    START,
    `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, one run; loopback HTTP resource of the storm above, POST bodies echoed.`,
    '',
    '| Client | Token requests (provider calls) | Successes (body echoed intact) | Max sends per request | Storm wall time | ÷ `createCaeFetch` | Target: 1 call, 1000, ≤ 2 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('`createCaeFetch` (reference)', results.fetch),
    row('graph-client 3 + `createGraphClientMiddleware`', results.graphClient),
    row('Kiota (`FetchRequestAdapter`) + `createKiotaMiddleware`', results.kiota),
    END,
  ].join('\n')
}

/** Writes `block` into BENCHMARKS.md, between its markers (appended the first time). */
export async function writeSdkStorm(block) {
  const current = await readFile(BENCHMARKS, 'utf8')
  const start = current.indexOf(START)
  const end = current.indexOf(END)
  const next =
    start !== -1 && end !== -1
      ? current.slice(0, start) + block + current.slice(end + END.length)
      : `${current.trimEnd()}\n\n${block}\n`
  await writeFile(BENCHMARKS, next)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startServer()
  try {
    const block = sdkStormBlock(await measureSdkStorm(server))
    await writeSdkStorm(block)
    console.log(block)
  } finally {
    await server.close()
  }
}
