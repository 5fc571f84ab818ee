#!/usr/bin/env node
/**
 * Fails when a published package's source changed since its last release without a pending
 * changeset that names it. Run from the repository root (CI runs it on a clean clone of main, so it
 * cannot compare against a base branch: it compares against each package's last version bump).
 *
 * For every public package in packages/* (discovered, so a new package is checked without editing
 * this file):
 *   - its base is the newest commit that changed the `version` in its package.json (what
 *     `changeset version` does), or the commit of its newest `<name>@<version>` release tag when that
 *     is newer. A package whose version never changed since it was created has no base: it has never
 *     been released, and all of its source counts as changed;
 *   - "changed" means files under src/ that differ from the base (committed or not), tests excluded
 *     (*.test.ts, *.test-d.ts, __fixtures__, __snapshots__): they never reach users;
 *   - a changed package must be named in the front matter of a `.changeset/*.md` file.
 *
 * A shallow clone cannot see the version bump: the script deepens it (`git fetch --unshallow`) and
 * fails with an explanation when that is impossible.
 *
 * Usage: node scripts/check-changesets.mjs   (exit 1 lists each package and what changed)
 */

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { publicPackages } from './workspace-packages.mjs'

const root = process.cwd()

/** Runs git in the repository and returns its trimmed output. */
function git(...args) {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim()
}

/** Like {@link git}, but undefined instead of an exception (a path missing at a commit). */
function gitOrUndefined(...args) {
  try {
    return git(...args)
  } catch {
    return undefined
  }
}

function lines(text) {
  return text ? text.split('\n').filter(Boolean) : []
}

/** Package names in the front matter of every pending changeset, with the files naming them. */
function pendingChangesets() {
  const dir = join(root, '.changeset')
  const named = new Map()
  if (!existsSync(dir)) return named
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.md') || file === 'README.md') continue
    const text = readFileSync(join(dir, file), 'utf8')
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? ''
    for (const line of front.split('\n')) {
      const name = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch|none)\s*$/.exec(line)?.[1]
      if (!name) continue
      named.set(name, [...(named.get(name) ?? []), `.changeset/${file}`])
    }
  }
  return named
}

function versionAt(commit, manifestPath) {
  const text = gitOrUndefined('show', `${commit}:${manifestPath}`)
  if (text === undefined) return undefined
  try {
    return JSON.parse(text).version
  } catch {
    return undefined
  }
}

/** The newest commit that changed the package's version, or undefined when it never changed. */
function lastVersionBump(pkg) {
  const manifestPath = `${pkg.dir}/package.json`
  const candidates = lines(
    git('log', '--format=%H', '-G"version"[[:space:]]*:', 'HEAD', '--', manifestPath),
  )
  for (const commit of candidates) {
    const before = versionAt(`${commit}^`, manifestPath)
    if (before === undefined) return undefined // created here, never bumped since
    if (before !== versionAt(commit, manifestPath)) return commit
  }
  return undefined
}

/** The commit of the newest `<name>@<version>` tag reachable from HEAD, if any. */
function lastReleaseTag(pkg) {
  const tags = lines(
    git('tag', '--merged', 'HEAD', '--sort=-creatordate', '--list', `${pkg.name}@*`),
  )
  return tags.length > 0 ? git('rev-list', '-n', '1', tags[0]) : undefined
}

/** The newer of the last version bump and the last release tag. */
function releaseBase(pkg) {
  const bump = lastVersionBump(pkg)
  const tag = lastReleaseTag(pkg)
  if (!bump || !tag) return bump ?? tag
  return gitOrUndefined('merge-base', '--is-ancestor', bump, tag) === undefined ? bump : tag
}

const isTestFile = (path) =>
  /\.test(-d)?\.[cm]?[jt]sx?$/.test(path) || /\/__(fixtures|snapshots)__\//.test(path)

/** Source files of the package changed since the base, including uncommitted and new files. */
function changedSources(pkg, base) {
  const src = `${pkg.dir}/src`
  const untracked = lines(git('ls-files', '--others', '--exclude-standard', '--', src))
  const changed = base
    ? lines(git('diff', '--name-only', base, '--', src))
    : lines(git('ls-files', '--', src))
  return [...new Set([...changed, ...untracked])].filter((path) => !isTestFile(path))
}

function ensureFullHistory() {
  if (git('rev-parse', '--is-shallow-repository') !== 'true') return
  console.log('::: shallow clone: fetching the full history to find the last version bumps')
  if (gitOrUndefined('fetch', '--quiet', '--unshallow', '--tags') === undefined) {
    console.error(
      'check-changesets: this clone is shallow and `git fetch --unshallow` failed; clone with the ' +
        'full history (actions/checkout: fetch-depth: 0) so the last version bump can be found',
    )
    process.exit(1)
  }
}

ensureFullHistory()
const packages = publicPackages(root)
const pending = pendingChangesets()
let failed = false

for (const name of pending.keys()) {
  if (!packages.some((pkg) => pkg.name === name)) {
    console.error(`✗ ${pending.get(name).join(', ')} names ${name}, which is not a public package`)
    failed = true
  }
}

for (const pkg of packages) {
  const base = releaseBase(pkg)
  const since = base
    ? `since ${git('log', '-1', '--format=%h %s', base).slice(0, 72)}`
    : 'never released'
  const changed = changedSources(pkg, base)
  if (changed.length === 0) {
    console.log(`✓ ${pkg.name}: no source change ${since}`)
  } else if (pending.has(pkg.name)) {
    console.log(
      `✓ ${pkg.name}: ${changed.length} source files changed (${since}), described in ${pending.get(pkg.name).join(', ')}`,
    )
  } else {
    failed = true
    const shown =
      changed.slice(0, 5).join(', ') + (changed.length > 5 ? `, … (${changed.length})` : '')
    console.error(
      `✗ ${pkg.name}: source changed (${since}) but no pending changeset names it: ${shown}`,
    )
  }
}

if (failed) {
  console.error(
    '\nAdd one with `pnpm changeset` (see "Releasing" in CONTRIBUTING.md): every user-visible change needs one.',
  )
  process.exit(1)
}
