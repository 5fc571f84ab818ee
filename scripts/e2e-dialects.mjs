/**
 * The SPA e2e suite (test/e2e/spa-cae.test.ts, headless Chromium) once per resource dialect of the
 * emulator: Graph, Azure Resource Manager, Key Vault. CI runs Graph only (CI time is limited);
 * this runs all three, one after the other, and reports each.
 *
 * Usage: pnpm test:e2e:dialects            (all three; exits non-zero when any failed)
 *        pnpm test:e2e:dialects arm        (only the dialects named)
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ALL = ['graph', 'arm', 'keyvault']
const wanted = process.argv.slice(2)
const unknown = wanted.filter((name) => !ALL.includes(name))
if (unknown.length > 0) {
  console.error(`unknown dialect: ${unknown.join(', ')} (expected ${ALL.join(', ')})`)
  process.exit(2)
}

const testDir = new URL('../test/', import.meta.url)
// The workspace's vitest (npx would print npm's warnings about pnpm settings).
const vitest = fileURLToPath(new URL('../node_modules/.bin/vitest', import.meta.url))
const results = []
for (const dialect of wanted.length > 0 ? wanted : ALL) {
  console.log(`\n== SPA e2e, ${dialect} dialect (CAE_E2E_RESOURCE=${dialect}) ==`)
  const run = spawnSync(vitest, ['run', 'e2e/spa-cae.test.ts'], {
    cwd: testDir,
    stdio: 'inherit',
    env: { ...process.env, CAE_E2E_RESOURCE: dialect },
  })
  if (run.error) console.error(`could not run ${vitest}: ${run.error.message}`)
  results.push([dialect, run.status === 0])
}
console.log('')
for (const [dialect, ok] of results) console.log(`${ok ? 'pass' : 'FAIL'}  ${dialect}`)
process.exit(results.every(([, ok]) => ok) ? 0 : 1)
