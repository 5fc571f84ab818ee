/**
 * The two-tab stress run: 20 consecutive runs (or `CAE_CROSS_TAB_RUNS`) of "two tabs of the app
 * challenged at once after revokeSessions" in headless Chromium, each required to show exactly
 * one sign-in popup. CI runs a few of them as part of the browser suite.
 *
 * Usage: pnpm stress:cross-tab   (exits non-zero when any run prompted twice)
 */
import { spawnSync } from 'node:child_process'

const runs = process.env.CAE_CROSS_TAB_RUNS ?? '20'
const result = spawnSync(
  'npx',
  ['vitest', 'run', 'browser/msal-browser.test.ts', '-t', 'across tabs'],
  {
    cwd: new URL('../test/', import.meta.url),
    stdio: 'inherit',
    env: { ...process.env, CAE_CROSS_TAB_RUNS: runs },
  },
)
process.exit(result.status ?? 1)
