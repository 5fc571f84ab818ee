#!/usr/bin/env node
/**
 * The publish dry run: builds and packs every public package in packages/* with `pnpm pack` (what
 * `changeset publish` uploads), then checks each tarball as npm would receive it. Run from the
 * repository root.
 *
 * Each tarball must hold package.json, README.md, LICENSE (the root LICENSE, copied) and
 * CHANGELOG.md; every file its manifest points at (`main`, `module`, `types`, `bin`, every `exports`
 * target); no test file. Its manifest must carry what a publish with provenance needs: `license`,
 * `repository` naming the root package.json's repository with `directory` = the package's folder,
 * `homepage`, `bugs`. Versions and internal ranges are scripts/check-versions.mjs's (`--packed`).
 *
 * Packages are discovered, so a new package is packed and checked without editing this file.
 *
 * Usage: node scripts/pack-packages.mjs [--out DIR] [--no-build]   (default DIR: .packs)
 */

import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { publicPackages } from './workspace-packages.mjs'

const root = process.cwd()
const out = resolve(
  root,
  process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : '.packs',
)
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const license = readFileSync(join(root, 'LICENSE'), 'utf8')

const packages = publicPackages(root)

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
}

if (!process.argv.includes('--no-build')) {
  // A cache hit after `pnpm test` (turbo); a clean clone builds here.
  run('pnpm', [
    'exec',
    'turbo',
    'run',
    'build',
    '--output-logs=errors-only',
    '--filter=./packages/*',
  ])
}
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
// pnpm lists every file it packs; that listing is printed only when packing fails.
try {
  execFileSync(
    'pnpm',
    [
      '--recursive',
      ...packages.flatMap(({ manifest }) => ['--filter', manifest.name]),
      'pack',
      '--pack-destination',
      out,
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  )
} catch (error) {
  console.error(`${error.stdout ?? ''}${error.stderr ?? ''}`)
  console.error('pack: pnpm pack failed (above)')
  process.exit(1)
}

/** Every path an entry of the manifest points at (exports conditions, bin, main…). */
function pointedAt(manifest) {
  const targets = [manifest.main, manifest.module, manifest.types]
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value)
    else if (value && typeof value === 'object') Object.values(value).forEach(walk)
  }
  walk(manifest.exports)
  walk(manifest.bin)
  return targets
    .filter((target) => typeof target === 'string' && !target.includes('*'))
    .map((target) => target.replace(/^\.\//, ''))
}

const problems = []
const tarballs = readdirSync(out).filter((name) => name.endsWith('.tgz'))
for (const { dir, manifest: source } of packages) {
  const file = tarballs.find(
    (name) => name === `${source.name.replace('@', '').replace('/', '-')}-${source.version}.tgz`,
  )
  if (!file) {
    problems.push(`${source.name}: pnpm pack wrote no tarball`)
    continue
  }
  const path = join(out, file)
  const files = new Set(
    execFileSync('tar', ['-tzf', path], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, '')),
  )
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', path, 'package/package.json'], { encoding: 'utf8' }),
  )
  const say = (problem) => problems.push(`${file}: ${problem}`)

  for (const required of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    if (!files.has(required)) say(`no ${required}`)
  }
  if (
    files.has('LICENSE') &&
    execFileSync('tar', ['-xzOf', path, 'package/LICENSE'], { encoding: 'utf8' }) !== license
  ) {
    say('LICENSE differs from the root LICENSE (copy it)')
  }
  for (const target of pointedAt(manifest)) {
    if (target !== 'package.json' && !files.has(target))
      say(`${target} is in the manifest but not in the tarball`)
  }
  for (const entry of files) {
    if (/\.test(-d)?\.ts$|__fixtures__|__snapshots__/.test(entry))
      say(`ships a test file: ${entry}`)
  }
  if (manifest.license !== 'MIT') say(`license is ${manifest.license}, not MIT`)
  if (manifest.repository?.url !== rootManifest.repository?.url) {
    say(
      `repository.url is ${manifest.repository?.url}, the root package.json says ${rootManifest.repository?.url}`,
    )
  }
  if (manifest.repository?.directory !== dir)
    say(`repository.directory is ${manifest.repository?.directory}, not ${dir}`)
  if (typeof manifest.homepage !== 'string') say('no homepage')
  if (typeof manifest.bugs?.url !== 'string') say('no bugs.url')
  console.log(
    `pack: ${file.padEnd(36)} ${String(files.size).padStart(3)} files ${(statSync(path).size / 1024).toFixed(1).padStart(7)} kB`,
  )
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`pack: ${problem}`)
  process.exit(1)
}
console.log(`pack: ${packages.length} tarballs in ${out}`)
