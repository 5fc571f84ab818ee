// WWW-Authenticate parsing: throughput of cae-kit's parser against the peers' parsers on the
// corpus (corpus.mjs), and where their results differ from ours.
//
// How the peers are reached (neither exports its parser from its package entry):
// - oauth4webapi: `parseWwwAuthenticateChallenges(response)` is module-private; its only public
//   road is a function that throws `WWWAuthenticateChallengeError` (parsed challenges in
//   `.cause`), e.g. `protectedResourceRequest` with a `customFetch`. That road also builds a
//   Response, an Error with a stack trace and several promises, which would swamp the parser. So
//   the function and its regular expressions are taken verbatim from the installed
//   `build/index.js` and compiled here; before timing, its result on every corpus value is checked
//   to equal what `protectedResourceRequest` reports, so the copy is the shipped parser.
// - @azure/core-rest-pipeline (1.24.0, the newest whose engines allow Node 20): `parseChallenges`
//   is exported by `dist/esm/policies/bearerTokenAuthenticationPolicy.js` but marked @internal and
//   not re-exported; the package's exports map forbids the subpath, so that file is imported by
//   its path. The CAE decision (`getCaeChallengeClaims`, module-private, three lines) is
//   reproduced as written: first challenge with scheme exactly "Bearer", `claims` and
//   `error === "insufficient_claims"`; then `atob`.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { getClaimsChallenge, parseWwwAuthenticate } from '@cae-kit/core'
import * as oauth from 'oauth4webapi'
import { median, random, shuffled } from './stats.mjs'

const require = createRequire(import.meta.url)

async function loadOauth4webapi() {
  const entry = require.resolve('oauth4webapi')
  const source = await readFile(entry, 'utf8')
  const start = source.indexOf('const tokenMatch =')
  const fn = source.indexOf('function parseWwwAuthenticateChallenges(')
  const end = source.indexOf('\n}\n', fn)
  if (start === -1 || fn === -1 || end === -1 || start > fn) {
    throw new Error(`oauth4webapi ${entry}: parseWwwAuthenticateChallenges not found`)
  }
  // The copy's only outside references: the Response check and its error, both unused here (the
  // input is a Response-like object that passes the check).
  const compile = new Function(
    'looseInstanceOf',
    'Response',
    'CodedTypeError',
    'ERR_INVALID_ARG_TYPE',
    `${source.slice(start, end + 2)}\nreturn parseWwwAuthenticateChallenges`,
  )
  const parse = compile(() => true, undefined, undefined, undefined)
  const { version } = JSON.parse(await readFile(join(dirname(entry), '../package.json'), 'utf8'))
  return { version, parse: (header) => parse({ headers: { get: () => header } }) }
}

/** What oauth4webapi's public road reports for a header: the challenges, or undefined. */
async function oauthPublic(header) {
  const response = new Response(null, { status: 401, headers: { 'www-authenticate': header } })
  try {
    await oauth.protectedResourceRequest(
      't',
      'GET',
      new URL('https://rs.test/'),
      undefined,
      undefined,
      {
        [oauth.customFetch]: async () => response,
      },
    )
    return undefined
  } catch (error) {
    if (error instanceof oauth.WWWAuthenticateChallengeError) return error.cause
    throw error
  }
}

async function loadAzure() {
  const root = dirname(require.resolve('@azure/core-rest-pipeline/package.json'))
  const file = join(root, 'dist/esm/policies/bearerTokenAuthenticationPolicy.js')
  const { parseChallenges } = await import(pathToFileURL(file).href)
  if (typeof parseChallenges !== 'function') throw new Error(`${file}: no parseChallenges`)
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
  return { version, parse: parseChallenges }
}

/** Azure's CAE decision, as its policy makes it: decoded claims, `null` (unparsable), or undefined. */
function azureCaeClaims(parse, header) {
  const claims = parse(header).find(
    (x) => x.scheme === 'Bearer' && x.params.claims && x.params.error === 'insufficient_claims',
  )?.params.claims
  if (!claims) return undefined
  try {
    return atob(claims)
  } catch {
    return null
  }
}

/** Challenges as comparable JSON: scheme and names lowercased, token68 only when present. */
function normalize(challenges) {
  if (challenges === undefined) return 'rejected (no challenges)'
  return JSON.stringify(
    challenges.map((c) => {
      const params = Object.entries(c.params ?? c.parameters).map(([k, v]) => [k.toLowerCase(), v])
      return c.token68
        ? { scheme: c.scheme.toLowerCase(), params, token68: c.token68 }
        : { scheme: c.scheme.toLowerCase(), params }
    }),
  )
}

const short = (value) => (value.length > 24 ? `${value.slice(0, 20)}…` : value)

/** Challenges for a table cell: `bearer {error="invalid_token", claims="eyJhY2Nlc3Nf…"}`. */
function display(challenges) {
  if (challenges === undefined) return 'rejected (no challenges)'
  if (challenges.length === 0) return 'none'
  return challenges
    .map((c) => {
      const params = Object.entries(c.params ?? c.parameters).map(
        ([k, v]) => `${k}=${JSON.stringify(short(v))}`,
      )
      if (c.token68) return `${c.scheme} ${short(c.token68)}`
      return params.length === 0 ? c.scheme : `${c.scheme} {${params.join(', ')}}`
    })
    .join(', ')
}

/** Where each peer's result differs from ours on the corpus. */
async function differences(corpus, peers) {
  const out = []
  for (const { id, header } of corpus) {
    const oursParsed = parseWwwAuthenticate(header)
    const ours = normalize(oursParsed)
    const oursShown = display(oursParsed)
    const oauthResult = peers.oauth.parse(header)
    const viaPublic = await oauthPublic(header)
    if (normalize(oauthResult) !== normalize(viaPublic)) {
      throw new Error(`${id}: the oauth4webapi copy disagrees with protectedResourceRequest`)
    }
    const theirs = normalize(oauthResult)
    if (theirs !== ours) {
      out.push({ id, peer: 'oauth', ours: oursShown, theirs: display(oauthResult) })
    }
    const azure = peers.azure.parse(header)
    if (normalize(azure) !== ours) {
      out.push({ id, peer: 'azure', ours: oursShown, theirs: display(azure) })
    }
    // The CAE decision: which claims each would answer the 401 with.
    const ourClaims = getClaimsChallenge({
      status: 401,
      headers: { 'www-authenticate': header },
    })?.claims
    const azureClaims = azureCaeClaims(peers.azure.parse, header)
    if ((ourClaims ?? undefined) !== (azureClaims ?? undefined)) {
      out.push({
        id,
        peer: 'azure-cae',
        ours: ourClaims === undefined ? 'no claims challenge' : `claims ${ourClaims}`,
        theirs:
          azureClaims === undefined
            ? 'no claims challenge'
            : azureClaims === null
              ? 'claims not base64: 401 returned as is'
              : `claims ${azureClaims}`,
      })
    }
  }
  return out
}

/** Time for one pass over the corpus, in µs. */
function pass(parse, headers, passes) {
  let sink = 0
  const start = process.hrtime.bigint()
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < headers.length; i++) sink += parse(headers[i])?.length ?? 0
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e3
  if (sink < 0) throw new Error('unreachable')
  return elapsed / passes
}

/**
 * Hostile values just under cae-kit's 16 KiB cap (so every parser reads them whole; Node's own
 * limit for all headers together is 16 KiB too). Each parser's time is the median of 5 runs.
 */
const HOSTILE = {
  'many parameters': `Bearer ${Array.from({ length: 1500 }, (_, i) => `p${i}="v"`).join(', ')}`,
  'many challenges': Array.from({ length: 1300 }, (_, i) => `S${i} a="b"`).join(', '),
  'unterminated quote': `Bearer a="${'A'.repeat(16_000)}`,
  'long quoted value': `Bearer claims="${'A'.repeat(16_000)}"`,
  'only commas': `Bearer ${','.repeat(16_000)}`,
  'chained equals': `Bearer a${'=a'.repeat(8_000)}`,
}

function worstCase(parsers) {
  const out = {}
  for (const [name, parse] of Object.entries(parsers)) {
    let worst = { ms: 0, input: '' }
    for (const [input, header] of Object.entries(HOSTILE)) {
      if (header.length > 16_384) throw new Error(`${input}: over the cap`)
      const runs = []
      for (let r = 0; r < 5; r++) {
        const start = process.hrtime.bigint()
        parse(header)
        runs.push(Number(process.hrtime.bigint() - start) / 1e6)
      }
      const ms = median(runs)
      if (ms > worst.ms) worst = { ms, input }
    }
    out[name] = worst
  }
  return out
}

/** One run: alternating blocks; per parser, the median block time per value (µs). */
function run(parsers, headers, { blocks, passes, seed }) {
  const names = Object.keys(parsers)
  const next = random(seed)
  const perBlock = Object.fromEntries(names.map((name) => [name, []]))
  for (let b = 0; b < blocks; b++) {
    for (const name of shuffled(names, next))
      perBlock[name].push(pass(parsers[name], headers, passes))
  }
  return Object.fromEntries(names.map((name) => [name, median(perBlock[name]) / headers.length]))
}

/**
 * Throughput, median of `runs` runs. Each run times `blocks` blocks of `passes` passes over the
 * corpus per parser, parsers in a freshly shuffled (seeded) order each block, and keeps each
 * parser's median block; the figure per parser is the median of its runs, and the ratio is our
 * throughput ÷ the fastest peer's. With a before build, its parser is one more variant.
 */
export async function measureParsers(corpus, { runs = 5, blocks = 201, passes = 20, before } = {}) {
  const peers = { oauth: await loadOauth4webapi(), azure: await loadAzure() }
  const headers = corpus.map((v) => v.header)
  const parsers = {
    ours: (header) => parseWwwAuthenticate(header),
    oauth: peers.oauth.parse,
    azure: peers.azure.parse,
  }
  if (before !== undefined) {
    const parseBefore = before.parseWwwAuthenticate
    parsers.before = (header) => parseBefore(header)
    for (const { id, header } of corpus) {
      if (normalize(parseBefore(header)) !== normalize(parseWwwAuthenticate(header))) {
        throw new Error(`${id}: the before build parses it differently`)
      }
    }
  }
  const names = Object.keys(parsers)
  for (const name of names) pass(parsers[name], headers, 2000)
  const results = []
  for (let r = 0; r < runs; r++) {
    results.push(run(parsers, headers, { blocks, passes, seed: 0xc0ffee + r }))
  }
  const perHeader = Object.fromEntries(
    names.map((name) => [name, median(results.map((result) => result[name]))]),
  )
  const fastest = ['oauth', 'azure'].reduce((a, b) => (perHeader[a] <= perHeader[b] ? a : b))
  // Ours ÷ theirs in throughput: their time per value ÷ ours.
  const ratio = (name, of = 'ours') => perHeader[name] / perHeader[of]
  const spread = (name) => {
    const each = results.map((result) => result[name] / result.ours)
    return [Math.min(...each), Math.max(...each)]
  }
  return {
    runs,
    blocks,
    passes,
    values: headers.length,
    versions: { oauth: peers.oauth.version, azure: peers.azure.version },
    perHeader,
    fastest,
    ratios: Object.fromEntries(names.filter((n) => n !== 'ours').map((n) => [n, ratio(n)])),
    spreads: Object.fromEntries(names.filter((n) => n !== 'ours').map((n) => [n, spread(n)])),
    differences: await differences(corpus, peers),
    worst: worstCase(parsers),
  }
}
