// @vitest-environment node
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'

const script = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../scripts/check-changesets.mjs',
)
const identity = {
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.test',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.test',
}
const repos: string[] = []

afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A git repository with one public package `@x/a` at 0.1.0 (src + a test) and one private one. */
function repository() {
  const dir = mkdtempSync(join(tmpdir(), 'check-changesets-'))
  repos.push(dir)
  git(dir, 'init', '-q', '-b', 'main')
  write(dir, 'packages/a/package.json', JSON.stringify({ name: '@x/a', version: '0.1.0' }, null, 2))
  write(dir, 'packages/a/src/index.ts', 'export const a = 1\n')
  write(dir, 'packages/a/src/index.test.ts', 'it("works")\n')
  write(dir, 'packages/p/package.json', JSON.stringify({ name: '@x/p', private: true }))
  write(dir, 'packages/p/src/index.ts', 'export const p = 1\n')
  commit(dir, 'create packages')
  return dir
}

function git(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...identity }, encoding: 'utf8' })
}

function write(dir: string, path: string, text: string) {
  mkdirSync(dirname(join(dir, path)), { recursive: true })
  writeFileSync(join(dir, path), text)
}

function commit(dir: string, message: string) {
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', message)
}

function bumpVersion(dir: string, version: string) {
  write(dir, 'packages/a/package.json', JSON.stringify({ name: '@x/a', version }, null, 2))
  rmSync(join(dir, '.changeset'), { recursive: true, force: true })
  commit(dir, `version packages: ${version}`)
}

function check(dir: string) {
  const run = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' })
  return { status: run.status, output: run.stdout + run.stderr }
}

it('fails for a never-released package with no changeset, naming it and its files', () => {
  const dir = repository()
  const { status, output } = check(dir)
  expect(status).toBe(1)
  expect(output).toContain('@x/a: source changed (never released)')
  expect(output).toContain('packages/a/src/index.ts')
  expect(output).not.toContain('index.test.ts')
  expect(output).not.toContain('@x/p')
})

it('passes when a pending changeset names the changed package', () => {
  const dir = repository()
  write(dir, '.changeset/first.md', '---\n"@x/a": minor\n---\n\nFirst release.\n')
  const { status, output } = check(dir)
  expect(status).toBe(0)
  expect(output).toContain('described in .changeset/first.md')
})

it('passes after a version bump until the source changes again, committed or not', () => {
  const dir = repository()
  bumpVersion(dir, '0.2.0')
  expect(check(dir).status).toBe(0)
  write(dir, 'packages/a/src/index.ts', 'export const a = 2\n')
  expect(check(dir).status).toBe(1)
  commit(dir, 'change a')
  const { status, output } = check(dir)
  expect(status).toBe(1)
  expect(output).toContain('since')
  expect(output).toContain('version packages: 0.2.0')
})

it('ignores changes to tests and fixtures', () => {
  const dir = repository()
  bumpVersion(dir, '0.2.0')
  write(dir, 'packages/a/src/index.test.ts', 'it("works better")\n')
  write(dir, 'packages/a/src/__fixtures__/vectors.json', '[]\n')
  commit(dir, 'more tests')
  expect(check(dir).status).toBe(0)
})

it('counts from a release tag newer than the version bump', () => {
  const dir = repository()
  bumpVersion(dir, '0.2.0')
  write(dir, 'packages/a/src/index.ts', 'export const a = 3\n')
  commit(dir, 'change a, released by hand')
  git(dir, 'tag', '@x/a@0.2.0')
  expect(check(dir).status).toBe(0)
})

it('fails for a changeset naming a package that is not public', () => {
  const dir = repository()
  write(dir, '.changeset/first.md', '---\n"@x/a": minor\n"@x/p": minor\n---\n\nFirst release.\n')
  const { status, output } = check(dir)
  expect(status).toBe(1)
  expect(output).toContain('names @x/p, which is not a public package')
})

it('deepens a shallow clone to find the version bump', () => {
  const dir = repository()
  bumpVersion(dir, '0.2.0')
  write(dir, 'README.md', 'docs only\n')
  commit(dir, 'docs')
  const clone = mkdtempSync(join(tmpdir(), 'check-changesets-clone-'))
  repos.push(clone)
  git(clone, 'clone', '-q', '--depth', '1', `file://${dir}`, '.')
  const { status, output } = check(clone)
  expect(output).toContain('shallow clone')
  expect(output).toContain('no source change since')
  expect(status).toBe(0)
})
