#!/usr/bin/env node
/**
 * Fails on any import cycle between the TypeScript modules of `packages/<name>/src`, type-only
 * imports included (`import type`, `export type ... from`, `import('./x').T`): a cycle makes
 * module order decide what is initialised, and keeps two files from being read one at a time.
 *
 *     node scripts/check-import-cycles.mjs [root ...]
 *
 * Each root (default: every `packages/<name>/src`) is walked for `.ts` files; relative imports
 * are resolved the way the bundler does (`./x` → `x.ts`, `x/index.ts`; a `.js` extension is read
 * as `.ts`). Imports of other packages are left out: the workspace's dependency graph has no
 * cycles (pnpm would refuse one). Prints each cycle as a chain of files; exit code 1 if any.
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Every `.ts` file under `dir` (declaration files and `node_modules` left out). */
function sourceFiles(dir) {
  const files = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (name === 'node_modules') continue
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path))
    else if (/\.(c|m)?tsx?$/.test(name) && !/\.d\.(c|m)?ts$/.test(name)) files.push(path)
  }
  return files
}

/** Every module specifier in `file`, type-only ones included. */
export function specifiersOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest)
  const found = []
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text)
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text)
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push(node.moduleReference.expression.text)
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The file a relative specifier names, or `undefined` (a package, or nothing there). */
function resolveRelative(from, specifier) {
  if (!specifier.startsWith('.')) return undefined
  const base = resolve(dirname(from), specifier).replace(/\.(c|m)?js$/, '')
  for (const candidate of [
    `${base}.ts`,
    `${base}.tsx`,
    `${base}.mts`,
    `${base}.cts`,
    join(base, 'index.ts'),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return undefined
}

/**
 * The import cycles among the `.ts` files under `roots`: one chain per cycle found (its first
 * file repeated at the end), found by a depth-first walk that reports each back edge once.
 */
export function findCycles(roots) {
  const graph = new Map()
  for (const root of roots) {
    for (const file of sourceFiles(root)) {
      const targets = specifiersOf(file)
        .map((specifier) => resolveRelative(file, specifier))
        .filter((target) => target !== undefined)
      graph.set(file, [...new Set(targets)])
    }
  }
  const cycles = []
  const state = new Map() // 1: on the current path, 2: done
  const path = []
  const walk = (file) => {
    state.set(file, 1)
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 1) cycles.push([...path.slice(path.indexOf(next)), next])
      else if (!state.has(next)) walk(next)
    }
    path.pop()
    state.set(file, 2)
  }
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) walk(file)
  return cycles
}

/** Every `packages/<name>/src` of the workspace. */
function packageSources() {
  const packages = join(repo, 'packages')
  return readdirSync(packages)
    .map((name) => join(packages, name, 'src'))
    .filter((dir) => existsSync(dir))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const roots =
    process.argv.length > 2 ? process.argv.slice(2).map((r) => resolve(r)) : packageSources()
  const cycles = findCycles(roots)
  for (const cycle of cycles) {
    console.error(`import cycle: ${cycle.map((file) => relative(repo, file)).join(' → ')}`)
  }
  if (cycles.length > 0) {
    console.error(`${cycles.length} import cycle(s); move the shared types to a leaf module`)
    process.exit(1)
  }
  console.log(`no import cycles in ${roots.length} source folder(s)`)
}
