#!/usr/bin/env node
/**
 * Fails when the published packages' versions or internal dependency ranges disagree. Run from the
 * repository root.
 *
 * For every public package in packages/* (discovered, so a new package is checked without editing
 * this file):
 *   - its version is the version of every other one: they form one changesets *fixed* group;
 *   - each `@cae-kit/*` entry of its dependencies, peerDependencies and optionalDependencies names a
 *     public package of the repository, and the range a user installs admits that package's
 *     version. For a `workspace:` specifier that range is what pnpm writes into the tarball
 *     (`workspace:^` → `^<version>`, `workspace:~` → `~<version>`, `workspace:*` → `<version>`,
 *     `workspace:<range>` → `<range>`). devDependencies never reach users and are not checked.
 *
 * With `--packed DIR` (tarballs from `pnpm pack`), it also reads the package.json inside each
 * package's tarball: the same version, no `workspace:` specifier left in any dependency field, and
 * the internal ranges exactly those computed above.
 *
 * Usage: node scripts/check-versions.mjs [--packed DIR]   (exit 1 lists every disagreement)
 */

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { workspacePackages } from './workspace-packages.mjs'

const root = process.cwd()
const scope = '@cae-kit/'
const userFields = ['dependencies', 'peerDependencies', 'optionalDependencies']
const allFields = [...userFields, 'devDependencies']

/** `1.2.3-next.0` → { release: [1, 2, 3], prerelease: 'next.0' }; undefined when not a version. */
function parseVersion(text) {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(text ?? '')
  if (!match) return undefined
  return { release: match.slice(1, 4).map(Number), prerelease: match[4] }
}

function compare(a, b) {
  for (let index = 0; index < 3; index++) {
    if (a.release[index] !== b.release[index]) return a.release[index] - b.release[index]
  }
  if (a.prerelease === b.prerelease) return 0
  if (a.prerelease === undefined) return 1
  if (b.prerelease === undefined) return -1
  return a.prerelease < b.prerelease ? -1 : 1
}

/**
 * Whether `range` (an exact version, `^x.y.z` or `~x.y.z`, the forms `workspace:` specifiers
 * publish as) admits `version`; undefined for any other form of range.
 */
function admits(range, version) {
  const operator = /^[\^~]/.test(range) ? range[0] : ''
  const floor = parseVersion(range.slice(operator.length))
  const candidate = parseVersion(version)
  if (!floor || !candidate) return undefined
  if (operator === '') return compare(candidate, floor) === 0
  if (compare(candidate, floor) < 0) return false
  const [major, minor, patch] = floor.release
  const [cMajor, cMinor, cPatch] = candidate.release
  if (operator === '~') return cMajor === major && cMinor === minor
  // Caret: the left-most non-zero part is fixed (^0.1.0 admits 0.1.x, ^0.0.3 only 0.0.3).
  if (major > 0) return cMajor === major
  if (minor > 0) return cMajor === 0 && cMinor === minor
  return cMajor === 0 && cMinor === 0 && cPatch === patch
}

/** The range pnpm writes into the tarball for `specifier` on a package at `version`. */
function publishedRange(specifier, version) {
  if (!specifier.startsWith('workspace:')) return specifier
  const range = specifier.slice('workspace:'.length)
  if (range === '*') return version
  if (range === '^' || range === '~') return `${range}${version}`
  return range
}

/** The package.json inside each tarball of `dir`, by package name. */
function packedManifests(dir) {
  const manifests = new Map()
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.tgz'))) {
    const text = execFileSync('tar', ['-xzOf', join(dir, file), 'package/package.json'], {
      encoding: 'utf8',
    })
    const manifest = JSON.parse(text)
    manifests.set(manifest.name, { file, manifest })
  }
  return manifests
}

const problems = []
const all = workspacePackages(root)
const published = all.filter(({ manifest }) => manifest.private !== true)
const byName = new Map(all.map((pkg) => [pkg.name, pkg]))

// One version for the fixed group.
const versions = new Set(published.map((pkg) => pkg.version))
if (versions.size > 1) {
  problems.push(
    `versions disagree (all ${scope}* packages are one fixed group): ${published
      .map((pkg) => `${pkg.name}@${pkg.version}`)
      .join(', ')}`,
  )
}
for (const pkg of published) {
  if (!parseVersion(pkg.version))
    problems.push(`${pkg.name}: version "${pkg.version}" is not x.y.z`)
}

// Internal ranges, as a user installs them: name → [{ field, dependency, specifier, range }].
const internal = new Map()
for (const pkg of published) {
  const ranges = []
  for (const field of userFields) {
    for (const [dependency, specifier] of Object.entries(pkg.manifest[field] ?? {})) {
      if (!dependency.startsWith(scope) && !specifier.startsWith('workspace:')) continue
      const target = byName.get(dependency)
      const where = `${pkg.name} ${field} ${dependency}@${specifier}`
      if (!target) {
        problems.push(`${where}: no package of that name in packages/`)
        continue
      }
      if (target.manifest.private === true) {
        problems.push(`${where}: that package is private, users cannot install it`)
        continue
      }
      const range = publishedRange(specifier, target.version)
      const ok = admits(range, target.version)
      if (ok === undefined) {
        problems.push(
          `${where}: publishes as "${range}"; use workspace:^ (or an x.y.z, ^ or ~ range)`,
        )
      } else if (!ok) {
        problems.push(`${where}: publishes as "${range}", which does not admit ${target.version}`)
      }
      ranges.push({ field, dependency, specifier, range })
    }
  }
  internal.set(pkg.name, ranges)
}

// What pnpm actually wrote into the tarballs.
const packedIndex = process.argv.indexOf('--packed')
if (packedIndex !== -1) {
  const dir = resolve(root, process.argv[packedIndex + 1] ?? '')
  const packed = existsSync(dir) ? packedManifests(dir) : new Map()
  for (const pkg of published) {
    const entry = packed.get(pkg.name)
    if (!entry) {
      problems.push(`${pkg.name}: no tarball in ${dir}`)
      continue
    }
    const { file, manifest } = entry
    if (manifest.version !== pkg.version) {
      problems.push(`${file}: version ${manifest.version}, packages/ says ${pkg.version}`)
    }
    for (const field of allFields) {
      for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
        if (range.startsWith('workspace:')) {
          problems.push(`${file}: ${field} ${dependency} is still "${range}" (pack with pnpm)`)
        }
      }
    }
    for (const { field, dependency, range } of internal.get(pkg.name)) {
      const actual = manifest[field]?.[dependency]
      if (actual !== range) {
        problems.push(`${file}: ${field} ${dependency} is "${actual}", expected "${range}"`)
      }
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`check-versions: ${problem}`)
  process.exit(1)
}
console.log(
  `check-versions: ${published.length} packages at ${[...versions].join(', ') || '(none)'}` +
    (packedIndex !== -1 ? ', tarballs agree' : ''),
)
for (const [name, ranges] of internal) {
  for (const { field, dependency, specifier, range } of ranges) {
    console.log(`  ${name} ${field} ${dependency}: ${specifier} → ${range}`)
  }
}
