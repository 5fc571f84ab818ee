#!/usr/bin/env node
/**
 * The packages as users get them: installs the tarballs of every public package in packages/*
 * with npm into a temporary project outside the repository (no workspace, no `@cae-kit/source`
 * condition, no hoisted devDependency to lean on), with the peers at the versions the workspace
 * tests, then checks:
 *
 *   esm        `import` of every entry point (each `exports` subpath) gives its exports
 *   cjs        `require` of every entry point gives the same export names
 *   NodeNext   TypeScript over consumer/: the SPA stack, every entry point (from .ts and .cts),
 *              what axios rejects with when a replay is challenged again (axios-errors.ts, .cts),
 *              and the README's emulator test, with `moduleResolution: NodeNext` and no skipLibCheck
 *   Bundler    the same with `moduleResolution: Bundler` (.ts only)
 *   spa bundle esbuild browser bundle of consumer/spa.ts, MSAL and axios external: nothing else
 *              imported, nothing Node-only (consumer/bundle.mjs)
 *   README     the root README's "The emulator in a test" block, extracted and run with vitest;
 *              each package README's tarball install line names every @cae-kit tarball it needs
 *
 * Packages are discovered, so a new package is installed and checked without editing this file.
 * Every check runs even when one before it failed; exit 1 when any failed.
 *
 * Usage: node test/package/run.mjs [--tarballs DIR]   (DIR from scripts/pack-packages.mjs; without
 *        it, the packages are built and packed first)
 */

import { execFileSync, spawn } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publicPackages } from '../../scripts/workspace-packages.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')
const work = mkdtempSync(join(tmpdir(), 'cae-kit-package-test-'))
if (work.startsWith(`${root}/`)) throw new Error(`${work} is inside the repository`)

/** The version of `name` the workspace installed for `packageDir` (or at the root), if any. */
function workspaceVersion(name, packageDir) {
  for (const dir of [packageDir, root]) {
    const manifest = join(dir, 'node_modules', name, 'package.json')
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).version
  }
  return undefined
}

const packages = publicPackages(root).map(({ path, manifest }) => ({ dir: path, manifest }))

/** Every entry point a user can import: `@cae-kit/x` and each `@cae-kit/x/sub` of `exports`. */
const specs = packages.flatMap(({ manifest }) =>
  Object.keys(manifest.exports ?? { '.': null })
    .filter((subpath) => subpath !== './package.json' && !subpath.includes('*'))
    .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`)),
)

/** Peers (optional ones too: the emulator's msw entry needs msw) at the workspace's versions. */
const peers = new Map()
for (const { dir, manifest } of packages) {
  for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
    if (!peers.has(name)) peers.set(name, workspaceVersion(name, dir) ?? range)
  }
}
// What the consumer itself uses: the compiler, the bundler, the test runner of the README.
// esbuild: the version tsup (the packages' build) bundles with.
const tsup = realpathSync(join(root, 'node_modules/tsup/package.json'))
const esbuild = createRequire(tsup)('esbuild/package.json').version
const tools = {
  typescript: workspaceVersion('typescript', root),
  '@types/node': workspaceVersion('@types/node', root),
  vitest: workspaceVersion('vitest', root),
  esbuild,
}

let tarballDir = process.argv.includes('--tarballs')
  ? resolve(process.argv[process.argv.indexOf('--tarballs') + 1])
  : undefined
if (!tarballDir) {
  tarballDir = join(work, 'packs')
  execFileSync(process.execPath, [join(root, 'scripts/pack-packages.mjs'), '--out', tarballDir], {
    cwd: root,
    stdio: 'inherit',
  })
}
const tarballs = packages.map(({ manifest }) => {
  const file = join(
    tarballDir,
    `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`,
  )
  if (!existsSync(file)) throw new Error(`no tarball for ${manifest.name} in ${tarballDir}`)
  return file
})

/** The ```ts block under "## The emulator in a test" in the root README, as written. */
function readmeEmulatorTest() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const section = readme.split(/^## /m).find((part) => part.startsWith('The emulator in a test\n'))
  const block = section && /^```ts\n([\s\S]*?)^```/m.exec(section)
  if (!block) throw new Error('README.md has no ```ts block under "## The emulator in a test"')
  return block[1]
}

const consumer = join(work, 'consumer')
cpSync(join(here, 'consumer'), consumer, { recursive: true })
writeFileSync(
  join(consumer, 'package.json'),
  `${JSON.stringify({ name: 'cae-kit-consumer', private: true, type: 'module' }, null, 2)}\n`,
)
writeFileSync(join(consumer, 'specs.json'), `${JSON.stringify(specs)}\n`)
const imports = specs.map((spec, index) => [`m${index}`, spec])
writeFileSync(
  join(consumer, 'exports.ts'),
  `${imports.map(([name, spec]) => `import * as ${name} from '${spec}'`).join('\n')}\n` +
    `export const modules = [${imports.map(([name]) => name).join(', ')}]\n`,
)
writeFileSync(
  join(consumer, 'exports.cts'),
  `${imports.map(([name, spec]) => `import ${name} = require('${spec}')`).join('\n')}\n` +
    `export const modules = [${imports.map(([name]) => name).join(', ')}]\n`,
)
writeFileSync(join(consumer, 'readme-emulator.test.ts'), readmeEmulatorTest())

const results = []

/**
 * Runs one check; its output is printed only when it fails. `verify(stdout, exit)` returns a
 * problem (a string) or undefined; without it, the check is its exit code.
 */
async function check(name, command, args, verify) {
  const start = Date.now()
  const child = spawn(command, args, {
    cwd: consumer,
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk
  })
  const [status, signal] = await new Promise((done) => {
    child.on('error', (error) => {
      stderr += String(error)
      done([1, null])
    })
    child.on('close', (code, killedBy) => done([code, killedBy]))
  })
  const exit = status === 0 ? undefined : `exit ${status ?? signal}`
  const problem = verify ? verify(stdout, exit) : exit
  const seconds = ((Date.now() - start) / 1000).toFixed(1)
  results.push({ name, ok: !problem })
  console.log(`package test: ${name}: ${problem ? `FAILED (${problem})` : 'ok'} in ${seconds} s`)
  if (problem) console.log(`${stdout}${stderr}`.trim())
}

/**
 * Type errors of the published declarations that are known and reported to their owner, by check.
 * A check whose only errors are these passes and names them; once one no longer shows, the check
 * fails until it is removed from here, so this list cannot outlive the defects.
 */
const KNOWN_TYPE_ERRORS = {}

/** tsc's verdict once the known errors of `name` are set aside. */
function typeErrors(name) {
  return (stdout, exit) => {
    const errors = stdout.split('\n').filter((line) => / error TS\d+:/.test(line))
    const known = KNOWN_TYPE_ERRORS[name] ?? []
    const unknown = errors.filter(
      (line) => !known.some(({ errors: patterns }) => patterns.some((p) => p.test(line))),
    )
    const gone = known.filter(
      ({ errors: patterns }) => !patterns.every((p) => errors.some((line) => p.test(line))),
    )
    if (unknown.length > 0) return `${unknown.length} type error(s)`
    if (gone.length > 0)
      return `fixed, remove from KNOWN_TYPE_ERRORS: ${gone.map(({ defect }) => defect).join('; ')}`
    if (exit && errors.length === 0) return exit
    for (const { defect } of known) console.log(`package test: ${name}: known defect: ${defect}`)
    return undefined
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const install = [
  ...tarballs,
  ...[...peers, ...Object.entries(tools)].map(([name, version]) => `${name}@${version}`),
]
console.log(
  `package test: ${consumer}\n  npm install ${install.map((item) => item.replace(`${tarballDir}/`, '')).join(' ')}`,
)
await check('npm install', npm, [
  'install',
  '--no-audit',
  '--no-fund',
  '--prefer-offline',
  ...install,
])

let esmNames
await check('esm import', process.execPath, ['load.mjs'], (stdout, exit) => {
  if (exit) return exit
  esmNames = JSON.parse(stdout)
  const empty = specs.filter((spec) => !(esmNames[spec]?.length > 0))
  return empty.length > 0 ? `no exports from ${empty.join(', ')}` : undefined
})
await check('cjs require', process.execPath, ['load.cjs'], (stdout, exit) => {
  if (exit) return exit
  const cjsNames = JSON.parse(stdout)
  const public_ = (names) =>
    (names ?? []).filter((name) => name !== 'default' && name !== '__esModule').join()
  const differ = specs.filter((spec) => public_(cjsNames[spec]) !== public_(esmNames?.[spec]))
  return differ.length > 0
    ? `require and import export different names: ${differ.join(', ')}`
    : undefined
})
const tsc = join(consumer, 'node_modules/typescript/bin/tsc')
// The two compilations are single-threaded and independent: side by side on CI's two cores.
await Promise.all([
  check(
    'types, NodeNext',
    process.execPath,
    [tsc, '-p', 'tsconfig.nodenext.json'],
    typeErrors('types, NodeNext'),
  ),
  check(
    'types, Bundler',
    process.execPath,
    [tsc, '-p', 'tsconfig.bundler.json'],
    typeErrors('types, Bundler'),
  ),
])
await check('spa bundle', process.execPath, ['bundle.mjs'])
await check('README emulator test', process.execPath, [
  join(consumer, 'node_modules/vitest/vitest.mjs'),
  'run',
  'readme-emulator.test.ts',
])

// Each package README's install line for the tarballs names the tarball of every `@cae-kit/*`
// package it depends on (npm would look for those on the registry, where they are not yet).
{
  const problems = []
  for (const { dir, manifest } of packages) {
    const readme = readFileSync(join(dir, 'README.md'), 'utf8')
    const line = readme.split('\n').find((text) => /^npm install .*\.packs\//.test(text))
    if (!line) {
      problems.push(`${manifest.name}: README.md has no "npm install …/.packs/…" line`)
      continue
    }
    const named = new Set(
      [...line.matchAll(/\.packs\/cae-kit-([a-z0-9-]+)-\*\.tgz/g)].map((m) => m[1]),
    )
    const needed = [manifest.name, ...Object.keys(manifest.dependencies ?? {})]
      .filter((name) => name.startsWith('@cae-kit/'))
      .map((name) => name.slice('@cae-kit/'.length))
    for (const name of needed.filter((name) => !named.has(name))) {
      problems.push(`${manifest.name}: README.md's tarball line lacks cae-kit-${name}-*.tgz`)
    }
  }
  results.push({ name: 'README install lines', ok: problems.length === 0 })
  console.log(`package test: README install lines: ${problems.length === 0 ? 'ok' : 'FAILED'}`)
  for (const problem of problems) console.log(`  ${problem}`)
}

const failed = results.filter(({ ok }) => !ok)
if (failed.length === 0) rmSync(work, { recursive: true, force: true })
else console.log(`package test: the project is kept for a look: ${consumer}`)
console.log(`package test: ${results.length - failed.length} passed, ${failed.length} failed`)
process.exit(failed.length > 0 ? 1 : 0)
