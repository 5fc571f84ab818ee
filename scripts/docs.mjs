#!/usr/bin/env node
/**
 * Builds one API reference site for every published package into docs/api (`pnpm run docs`).
 *
 * Packages are discovered, not listed: every non-private packages/<name>/package.json, with its entry
 * points read from its `exports` (the `@cae-kit/source` condition each export carries, see
 * style.md §8), so a new package or a new subpath export is documented without editing anything.
 * Each package is converted on its own (its tsconfig, its entry points) to TypeDoc's JSON model,
 * then the models are merged into one site, as TypeDoc's `packages` strategy does internally.
 *
 * Options shared by both steps are in typedoc.json: warnings are errors (an undocumented export, a
 * broken `{@link}`, a type referenced but not exported). `skipErrorChecking`: the type check is
 * `pnpm test`'s; repeating it here cost about a quarter of the CPU time of this script.
 *
 * Usage: node scripts/docs.mjs [--out docs/api]   (exit 1 on any TypeDoc warning)
 */

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publicPackages } from './workspace-packages.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const typedoc = join(dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc')
const out = process.argv.includes('--out')
  ? process.argv[process.argv.indexOf('--out') + 1]
  : 'docs/api'
const options = join(root, 'typedoc.json')

/** Published packages and the source file behind each of their exports. */
function packages() {
  return publicPackages(root).map(({ path, manifest }) => ({
    path,
    name: manifest.name,
    entryPoints: sourceEntryPoints(path, manifest),
  }))
}

function sourceEntryPoints(path, manifest) {
  const exports =
    typeof manifest.exports === 'object' && manifest.exports !== null ? manifest.exports : {}
  const sources = Object.values(exports)
    .map((target) =>
      typeof target === 'object' && target !== null ? target['@cae-kit/source'] : undefined,
    )
    .filter((source) => typeof source === 'string')
  const entryPoints = sources.length > 0 ? sources : ['./src/index.ts']
  for (const entry of entryPoints) {
    if (!existsSync(join(path, entry)))
      throw new Error(`${manifest.name}: entry point ${entry} does not exist`)
  }
  return entryPoints
}

/** Runs TypeDoc; resolves with its exit code, its output passed through. */
function run(args, cwd) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [typedoc, '--options', options, ...args], {
      cwd,
      stdio: 'inherit',
    })
    child.on('error', reject)
    child.on('exit', (code) => resolvePromise(code ?? 1))
  })
}

const models = mkdtempSync(join(tmpdir(), 'cae-kit-docs-'))
try {
  const found = packages()
  let failed = false
  // Two at a time: each conversion builds a TypeScript program (CPU-bound; CI has 2 cores).
  for (let index = 0; index < found.length; index += 2) {
    const codes = await Promise.all(
      found.slice(index, index + 2).map((pkg) => {
        console.log(`::: ${pkg.name}: ${pkg.entryPoints.join(', ')}`)
        return run(
          [
            '--name',
            pkg.name,
            '--tsconfig',
            join(pkg.path, 'tsconfig.json'),
            '--entryPointStrategy',
            'resolve',
            // Links are checked once, on the merged site, where a re-exported core symbol's
            // {@link} to another core symbol resolves to core's page (TypeDoc's packages strategy
            // does the same); every other check runs here, per package.
            '--validation.invalidLink',
            'false',
            ...pkg.entryPoints.flatMap((entry) => ['--entryPoints', join(pkg.path, entry)]),
            '--json',
            join(models, `${pkg.name.replace(/[@/]/g, '_')}.json`),
          ],
          root,
        )
      }),
    )
    failed ||= codes.some((code) => code !== 0)
  }
  if (failed) {
    console.error(
      'docs: a package has TypeDoc warnings (above); every export needs TSDoc, every {@link} a target',
    )
    process.exit(1)
  }
  const code = await run(
    [
      '--entryPointStrategy',
      'merge',
      '--entryPoints',
      join(models, '*.json'),
      '--out',
      resolve(root, out),
    ],
    root,
  )
  if (code !== 0) process.exit(code)
  console.log(`docs: ${found.length} packages in ${out}/index.html`)
} finally {
  rmSync(models, { recursive: true, force: true })
}
