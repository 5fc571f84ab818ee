#!/usr/bin/env node
/**
 * Type-checks the code users copy first: every ```ts block under "## Quick start" in each
 * packages/<name>/README.md, and the examples of the root README. Each block is compiled as its own
 * module against the workspace packages (their sources, through the `@cae-kit/source` condition,
 * so no build is needed) with the repository's strict compiler options.
 *
 * The blocks are compiled in memory, as files that would sit in test/ (whose node_modules holds
 * every workspace package, MSAL and axios): nothing is written to disk.
 *
 * A snippet may leave a few well-known prerequisites undeclared (`clientId`, `tokenProvider`...):
 * they are declared for it, only when it uses them without declaring or importing them. Any other
 * missing name is an error, as in oauth4webapi's checked examples.
 *
 * Usage: node scripts/check-readme-snippets.mjs   (exits 1 and prints README:line errors)
 */

import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ts = require('typescript')

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Names a snippet may use without declaring them, and how they are declared for it. */
const PREREQUISITES = {
  clientId: 'declare const clientId: string',
  clientSecret: 'declare const clientSecret: string',
  authority: 'declare const authority: string',
  redirectUri: 'declare const redirectUri: string',
  tokenProvider: "declare const tokenProvider: import('@cae-kit/core').TokenProvider",
}

/** Which sections of which README hold checked examples: level-2 headings, exact text. */
const SOURCES = [
  ...readdirSync(join(root, 'packages')).map((name) => ({
    readme: join(root, 'packages', name, 'README.md'),
    sections: ['Quick start'],
  })),
  {
    readme: join(root, 'packages', 'core', 'README.md'),
    sections: ['Other HTTP clients', 'Token providers without MSAL'],
  },
  {
    readme: join(root, 'packages', 'redis', 'README.md'),
    sections: ["MSAL's cache in Redis", 'Seeing fallbacks'],
  },
  {
    readme: join(root, 'README.md'),
    sections: ['axios in a SPA', 'fetch in a daemon', 'The emulator in a test'],
  },
]

/** The ```ts blocks of the given `## ` sections, with the README line each block starts on. */
function extract(readme, sections) {
  const lines = readFileSync(readme, 'utf8').split('\n')
  const blocks = []
  let section
  let block
  lines.forEach((line, index) => {
    if (block) {
      if (line.startsWith('```')) {
        blocks.push(block)
        block = undefined
      } else {
        block.code.push(line)
      }
    } else if (line.startsWith('## ')) {
      section = line.slice(3).trim()
    } else if (line.trim() === '```ts' && sections.includes(section)) {
      block = { readme, section, line: index + 2, code: [] }
    }
  })
  return blocks
}

const blocks = SOURCES.flatMap(({ readme, sections }) => {
  const found = extract(readme, sections)
  if (found.length === 0) {
    console.error(`${relative(root, readme)}: no \`\`\`ts block under ${sections.join(', ')}`)
    process.exitCode = 1
  }
  return found
})

const config = ts.getParsedCommandLineOfConfigFile(
  join(root, 'tsconfig.json'),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
)
const options = { ...config.options, noEmit: true, types: ['node'], noUnusedLocals: false }

/** One virtual file per block, in test/ so that its node_modules resolve the imports. */
const files = new Map(
  blocks.map((block, index) => [join(root, 'test', `readme-snippet-${index}.ts`), block]),
)

/** The text compiled for a block: prerequisites on one first line, the code, module marker. */
function sourceOf(block) {
  const prelude = [...(block.prerequisites ?? [])].map((name) => PREREQUISITES[name]).join('; ')
  return `${prelude}\n${block.code.join('\n')}\nexport {}\n`
}

function compile() {
  const host = ts.createCompilerHost(options)
  const { fileExists, readFile, getSourceFile } = host
  host.fileExists = (file) => files.has(file) || fileExists(file)
  host.readFile = (file) => (files.has(file) ? sourceOf(files.get(file)) : readFile(file))
  host.getSourceFile = (file, language, ...rest) =>
    files.has(file)
      ? ts.createSourceFile(file, sourceOf(files.get(file)), language, true)
      : getSourceFile(file, language, ...rest)
  const program = ts.createProgram([...files.keys()], options, host)
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file && files.has(d.file.fileName))
}

// First pass: find the prerequisites each block uses without declaring (TS2304 cannot find name,
// TS2552 the same with a "did you mean" suggestion,
// TS18004 no value for a shorthand property). Second pass: compile with them declared; whatever
// remains is a real error.
const UNDECLARED = [2304, 2552, 18004]
for (const diagnostic of compile()) {
  const name =
    UNDECLARED.includes(diagnostic.code) && /'([^']+)'/.exec(String(diagnostic.messageText))?.[1]
  if (name && name in PREREQUISITES) {
    const block = files.get(diagnostic.file.fileName)
    block.prerequisites = new Set([...(block.prerequisites ?? []), name])
  }
}

const errors = compile()
for (const diagnostic of errors) {
  const block = files.get(diagnostic.file.fileName)
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
  // Line 0 of the compiled text is the prelude: line n is README line block.line + n - 1.
  console.error(
    `${relative(root, block.readme)}:${block.line + line - 1} (${block.section}): TS${diagnostic.code} ${message}`,
  )
}
if (errors.length > 0) process.exitCode = 1
else if (!process.exitCode) console.log(`README snippets: ${blocks.length} blocks type-check`)
