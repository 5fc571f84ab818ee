// @vitest-environment node
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'

const script = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../scripts/check-import-cycles.mjs',
)
const dirs: string[] = []

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A source folder with the given files (path → text). */
function sources(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-import-cycles-'))
  dirs.push(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

function check(dir: string) {
  const run = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' })
  return { status: run.status, output: run.stdout + run.stderr }
}

it('fails on a cycle made of type-only imports', () => {
  const dir = sources({
    'claims.ts': "import type { Reader } from './internal/bearer'\nexport type Shape = Reader\n",
    'internal/bearer.ts': "import type { Shape } from '../claims'\nexport type Reader = Shape\n",
  })
  const { status, output } = check(dir)
  expect(status).toBe(1)
  expect(output).toMatch(/import cycle: .*claims\.ts → .*internal\/bearer\.ts → .*claims\.ts/)
})

it('fails on a three-module cycle through re-exports and import() types', () => {
  const dir = sources({
    'context.ts': "export type { State } from './state'\n",
    'state.ts':
      "import { check } from './assertion.js'\nexport type State = { ok: boolean }\ncheck()\n",
    'assertion.ts': "export function check(): import('./context').State { return { ok: true } }\n",
  })
  const { status, output } = check(dir)
  expect(status).toBe(1)
  expect(output).toContain('1 import cycle(s)')
})

it('passes when shared types live in a leaf module', () => {
  const dir = sources({
    'headers.ts': 'export type ResponseLike = { status: number }\n',
    'claims.ts':
      "import type { ResponseLike } from './headers'\nimport './internal/bearer'\nexport type { ResponseLike }\n",
    'internal/bearer.ts':
      "import type { ResponseLike } from '../headers'\nexport const read = (r: ResponseLike) => r.status\n",
    'index.ts': "export * from './claims'\nexport { read } from './internal'\n",
    'internal/index.ts': "export { read } from './bearer'\n",
  })
  expect(check(dir)).toEqual({ status: 0, output: expect.stringContaining('no import cycles') })
})
