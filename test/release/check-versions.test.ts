// @vitest-environment node
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'

const script = resolve(dirname(fileURLToPath(import.meta.url)), '../../scripts/check-versions.mjs')
const dirs: string[] = []

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

type Manifest = { name: string; version?: string; private?: boolean } & Record<string, unknown>

/** A repository root whose packages/<dir>/package.json are `manifests` (dir = name after the /). */
function repository(...manifests: Manifest[]) {
  const dir = mkdtempSync(join(tmpdir(), 'check-versions-'))
  dirs.push(dir)
  for (const manifest of manifests) {
    write(join(dir, 'packages', manifest.name.split('/')[1] ?? manifest.name), manifest)
  }
  return dir
}

function write(packageDir: string, manifest: Manifest) {
  mkdirSync(packageDir, { recursive: true })
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify(manifest, null, 2))
}

/** A tarball laid out as `pnpm pack` writes it (package/package.json) in `<root>/packed`. */
function pack(root: string, manifest: Manifest) {
  const staging = mkdtempSync(join(tmpdir(), 'check-versions-pack-'))
  dirs.push(staging)
  write(join(staging, 'package'), manifest)
  mkdirSync(join(root, 'packed'), { recursive: true })
  const file = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`
  execFileSync('tar', ['-czf', join(root, 'packed', file), '-C', staging, 'package'])
}

function check(dir: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [script, ...args], { cwd: dir, encoding: 'utf8' })
  return { status: run.status, output: run.stdout + run.stderr }
}

const core = { name: '@cae-kit/core', version: '0.2.0' }
const axios = {
  name: '@cae-kit/axios',
  version: '0.2.0',
  dependencies: { '@cae-kit/core': 'workspace:^' },
  peerDependencies: { axios: '>=1.6.0 <2' },
  devDependencies: { '@cae-kit/emulator': 'workspace:*' },
}

it('passes for one version and workspace ranges, printing what pnpm publishes', () => {
  const { status, output } = check(repository(core, axios))
  expect(status).toBe(0)
  expect(output).toContain('2 packages at 0.2.0')
  expect(output).toContain('@cae-kit/axios dependencies @cae-kit/core: workspace:^ → ^0.2.0')
})

it('fails when a package of the fixed group has another version, naming each', () => {
  const { status, output } = check(repository(core, { ...axios, version: '0.1.0' }))
  expect(status).toBe(1)
  expect(output).toContain('versions disagree')
  expect(output).toContain('@cae-kit/axios@0.1.0, @cae-kit/core@0.2.0')
})

it('fails when an internal range does not admit the version it names (0.x caret)', () => {
  const stale = { ...axios, dependencies: { '@cae-kit/core': 'workspace:^0.1.0' } }
  const { status, output } = check(repository(core, stale))
  expect(status).toBe(1)
  expect(output).toContain('publishes as "^0.1.0", which does not admit 0.2.0')
})

it('fails for a plain range that leaves the workspace behind', () => {
  const pinned = { ...axios, peerDependencies: { '@cae-kit/core': '0.1.9' } }
  const { status, output } = check(repository(core, pinned))
  expect(status).toBe(1)
  expect(output).toContain('peerDependencies @cae-kit/core@0.1.9: publishes as "0.1.9"')
})

it('fails when a published package depends on a private or missing one', () => {
  const dependsOnPrivate = {
    ...axios,
    dependencies: { '@cae-kit/core': 'workspace:^', '@cae-kit/internal': 'workspace:*' },
    optionalDependencies: { '@cae-kit/gone': '^0.2.0' },
  }
  const internal = { name: '@cae-kit/internal', version: '0.0.0', private: true }
  const { status, output } = check(repository(core, dependsOnPrivate, internal))
  expect(status).toBe(1)
  expect(output).toContain('@cae-kit/internal@workspace:*: that package is private')
  expect(output).toContain('@cae-kit/gone@^0.2.0: no package of that name in packages/')
  expect(output).not.toContain('versions disagree') // private packages are not in the group
})

it('accepts tarballs whose manifests carry the computed ranges', () => {
  const dir = repository(core, axios)
  pack(dir, core)
  pack(dir, {
    ...axios,
    dependencies: { '@cae-kit/core': '^0.2.0' },
    devDependencies: { '@cae-kit/emulator': '0.2.0' },
  })
  const { status, output } = check(dir, '--packed', 'packed')
  expect(status).toBe(0)
  expect(output).toContain('tarballs agree')
})

it('fails for a tarball packed without pnpm (workspace: left in) or missing', () => {
  const dir = repository(core, axios)
  pack(dir, axios)
  const { status, output } = check(dir, '--packed', 'packed')
  expect(status).toBe(1)
  expect(output).toContain('dependencies @cae-kit/core is still "workspace:^"')
  expect(output).toContain('devDependencies @cae-kit/emulator is still "workspace:*"')
  expect(output).toContain('dependencies @cae-kit/core is "workspace:^", expected "^0.2.0"')
  expect(output).toContain('@cae-kit/core: no tarball in')
})
