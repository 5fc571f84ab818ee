// @vitest-environment node
/** `pnpm demo:fleet` on a machine without redis-server: it says how to install it and exits 1. */
import { spawnSync } from 'node:child_process'
import { expect, it } from 'vitest'
import { buildFleetScript } from './support/build-script'

it('tells how to install redis-server when it is missing, and exits 1', async () => {
  const script = await buildFleetScript('fleet-demo-test', 'main')
  const run = spawnSync(process.execPath, [script], {
    env: { ...process.env, REDIS_SERVER: '/nonexistent/redis-server' },
    encoding: 'utf8',
    timeout: 20_000,
  })
  expect(run.status).toBe(1)
  expect(run.stderr).toContain('apt-get install -y redis-server')
  expect(run.stderr).toContain('brew install redis')
  expect(run.stdout).toBe('')
})
