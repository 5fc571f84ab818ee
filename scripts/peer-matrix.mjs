#!/usr/bin/env node
/**
 * Runs each adapter's vitest suite against the oldest and the newest published version of every
 * peer range it declares (read from its package.json, so a narrowed or widened range moves the ends
 * with it). Each version is installed from the npm registry into its own folder under
 * `node_modules/.cache/cae-kit-peers/` (reused by later runs); `vitest.peers.ts` then resolves the
 * peer's imports from that folder while everything else resolves from the workspace.
 *
 *   node scripts/peer-matrix.mjs            every row below, both ends
 *   node scripts/peer-matrix.mjs axios msw  only the rows of those peers
 *
 * A version the workspace itself resolves the peer to is skipped: the README's test command runs
 * the suite on it already. Prints one line per run and a table at the end; exits 1 when a run
 * failed.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cache = process.env.CAE_PEER_CACHE ?? join(root, 'node_modules/.cache/cae-kit-peers')
const vitest = join(root, 'node_modules/vitest/vitest.mjs')

/**
 * One row per package and peer. `peers` move together: the versions come from the first one's
 * range and the others are installed at the same version (Kiota releases its packages in step).
 * `note` says what the row runs when that is not the package's whole suite.
 */
const matrix = [
  { dir: 'packages/axios', peers: ['axios'] },
  {
    dir: 'packages/msal-browser',
    peers: ['@azure/msal-browser'],
    note: 'unit level (fake PCA); the Chromium suites run the newest only',
  },
  { dir: 'packages/msal-node', peers: ['@azure/msal-node'] },
  { dir: 'packages/emulator', peers: ['msw'] },
  { dir: 'packages/graph-client', peers: ['@microsoft/microsoft-graph-client'] },
  {
    dir: 'packages/kiota',
    peers: ['@microsoft/kiota-http-fetchlibrary', '@microsoft/kiota-abstractions'],
  },
]

/** Orders semver strings: release numbers first, then a release above its prereleases. */
function compareVersions(a, b) {
  const parse = (v) => {
    const [main, pre = ''] = v.split(/-(.*)/s)
    return { nums: main.split('.').map(Number), pre }
  }
  const x = parse(a)
  const y = parse(b)
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] - y.nums[i]
  if (x.pre === y.pre) return 0
  if (x.pre === '') return 1
  if (y.pre === '') return -1
  return x.pre.localeCompare(y.pre, 'en', { numeric: true })
}

/** The oldest and newest published versions in `range` (one entry when they are the same). */
function ends(name, range) {
  const view = spawnSync('npm', ['view', `${name}@${range}`, 'version', '--json'], {
    encoding: 'utf8',
  })
  if (view.status !== 0) throw new Error(`npm view ${name}@${range} failed:\n${view.stderr}`)
  const found = [JSON.parse(view.stdout)].flat().sort(compareVersions)
  if (found.length === 0) throw new Error(`no published version of ${name} in ${range}`)
  return [...new Set([found[0], found.at(-1)])]
}

/** The version of `peer` the package at `dir` resolves to in the workspace. */
function workspaceVersion(dir, peer) {
  const require = createRequire(join(root, dir, 'package.json'))
  return JSON.parse(readFileSync(require.resolve(`${peer}/package.json`), 'utf8')).version
}

/** Installs `peers` at `version` into a folder of the cache (once) and returns that folder. */
function install(peers, version) {
  const folder = join(cache, `${peers[0].replace('/', '+')}@${version}`)
  if (existsSync(join(folder, 'node_modules', peers[0], 'package.json'))) return folder
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, 'package.json'), '{ "private": true }\n')
  const specs = peers.map((peer) => `${peer}@${version}`)
  // No peers of the peer (legacy-peer-deps): the workspace provides what the app would.
  const run = spawnSync(
    'npm',
    ['install', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts'].concat(
      '--legacy-peer-deps',
      '--loglevel=error',
      specs,
    ),
    { cwd: folder, encoding: 'utf8' },
  )
  if (run.status !== 0) throw new Error(`npm install ${specs.join(' ')} failed:\n${run.stderr}`)
  return folder
}

const only = process.argv.slice(2)
const rows = matrix.filter((row) => only.length === 0 || row.peers.some((p) => only.includes(p)))
const results = []
for (const row of rows) {
  const manifest = JSON.parse(readFileSync(join(root, row.dir, 'package.json'), 'utf8'))
  const range = manifest.peerDependencies?.[row.peers[0]]
  if (range === undefined) throw new Error(`${row.dir} declares no peer ${row.peers[0]}`)
  const own = workspaceVersion(row.dir, row.peers[0])
  for (const version of ends(row.peers[0], range)) {
    const label = `${manifest.name} with ${row.peers[0]}@${version} (range ${range})`
    if (version === own) {
      console.log(`::: ${label}: the workspace's own version, run by the README's test command`)
      results.push({ label, passed: true, seconds: 0, skipped: true })
      continue
    }
    const folder = install(row.peers, version)
    const overrides = Object.fromEntries(row.peers.map((peer) => [peer, folder]))
    console.log(`::: ${label}${row.note ? `: ${row.note}` : ''}`)
    const start = Date.now()
    const run = spawnSync(process.execPath, [vitest, 'run'], {
      cwd: join(root, row.dir),
      stdio: 'inherit',
      env: { ...process.env, CAE_PEER_OVERRIDES: JSON.stringify(overrides) },
    })
    const seconds = Math.round((Date.now() - start) / 1000)
    results.push({ label, passed: run.status === 0, seconds })
    console.log(`::: ${label}: ${run.status === 0 ? 'passed' : 'FAILED'} in ${seconds} s`)
  }
}

console.log('\npeer matrix:')
for (const r of results) {
  const outcome = r.skipped ? 'same as the workspace' : `${r.seconds} s`
  console.log(`  ${r.passed ? 'ok  ' : 'FAIL'} ${r.label} (${outcome})`)
}
process.exit(results.every((r) => r.passed) ? 0 : 1)
