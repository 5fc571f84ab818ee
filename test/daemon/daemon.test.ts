// @vitest-environment node
/**
 * The example daemon (examples/daemon) as a real process against the emulator: CAE challenges it
 * must absorb (location change: challenge -> new token -> replay) and the one it must stop on
 * (its service principal disabled: clear message, exit code 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunningEmulator } from '@cae-kit/emulator'
import { DEFAULT_DAEMON_CLIENT_ID, startEmulator } from '@cae-kit/emulator'
import { afterAll, beforeAll, beforeEach, expect, it, onTestFinished } from 'vitest'
import { buildDaemon } from './support/build-daemon'
import { spawnNode } from './support/process'

let dir: string
let script: string
let idp: RunningEmulator
let caFile: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cae-kit-daemon-'))
  ;[script, idp] = await Promise.all([buildDaemon(join(dir, 'build')), startEmulator({ port: 0 })])
  caFile = join(dir, 'emulator-ca.pem')
  writeFileSync(caFile, idp.caCertPem)
})
afterAll(async () => {
  await idp?.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => idp.admin.reset())

/** Environment without the caller's emulator settings, so flags alone drive the daemon. */
function env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...process.env }
  for (const key of Object.keys(clean)) if (key.startsWith('CAE_')) delete clean[key]
  delete clean.NODE_EXTRA_CA_CERTS
  return { ...clean, ...extra }
}

it('logs challenge, new token and replay after a location change, and exits 2 once its service principal is disabled', async () => {
  const daemon = spawnNode(
    script,
    ['--emulator', idp.url, '--interval', '150', '--max-iterations', '400'],
    env({ NODE_EXTRA_CA_CERTS: caFile }),
  )
  onTestFinished(() => daemon.kill())
  const ready = await daemon.waitForLine(/#2 GET \/messages -> 200/)

  idp.admin.leaveTrustedLocation()
  const challenge = await daemon.waitForLine(/challenge: GET \/api\/messages -> 401/, ready)
  const token = await daemon.waitForLine(/new token \(challenge\)/, challenge)
  const replay = await daemon.waitForLine(/replay: GET \/api\/messages/, token)
  await daemon.waitForLine(/GET \/messages -> 200/, replay)
  const located = idp.admin
    .apiRequests()
    .filter((r) => r.cause === 'LocationConditionEvaluationSatisfied')
  expect(located).toHaveLength(1)

  const tokensBefore = idp.admin.tokenRequests().length
  idp.admin.disableServicePrincipal(DEFAULT_DAEMON_CLIENT_ID)
  expect(await daemon.exited).toBe(2)
  const output = daemon.lines.join('\n')
  expect(output).toMatch(/err: daemon: stopped, access blocked \(ERR_CAE_ACCESS_BLOCKED\)/)
  // One refused token request for the challenge, then nothing: no retry loop.
  const refused = idp.admin.tokenRequests().slice(tokensBefore)
  expect(refused.map((r) => r.ok)).toEqual([false])
  expect(idp.admin.apiRequests().at(-1)?.cause).toBe('ServicePrincipalDisabled')
})

it('starts a private emulator when none is given and exits 0 after --max-iterations', async () => {
  const daemon = spawnNode(
    script,
    ['--max-iterations', '2', '--interval', '10', '--state-dir', join(dir, 'no-demo-here')],
    env({}),
  )
  onTestFinished(() => daemon.kill())
  expect(await daemon.exited).toBe(0)
  const output = daemon.lines.join('\n')
  expect(output).toMatch(/a private emulator at https:\/\/localhost:\d+/)
  expect(output).toMatch(/#2 GET \/messages -> 200/)
  expect(output).toMatch(/done after 2 calls/)
})
