// @vitest-environment node
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { parseCliArgs, runCli } from './cli-run'

const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

it('parses the port and certificate directory', () => {
  expect(parseCliArgs([])).toEqual({ port: 8443, certDir: '.cae-emulator', help: false })
  expect(parseCliArgs(['--port', '0', '--cert-dir=/tmp/x'])).toEqual({
    port: 0,
    certDir: '/tmp/x',
    help: false,
  })
  expect(parseCliArgs(['--resource', 'arm', '--seed=7'])).toMatchObject({
    resource: 'arm',
    seed: 7,
  })
  expect(
    parseCliArgs(['--admin-origin', 'http://localhost:3000', '--admin-origin=https://app.test'])
      .adminOrigins,
  ).toEqual(['http://localhost:3000', 'https://app.test'])
  for (const bad of [
    ['--port', '70000'],
    ['--port'],
    ['--verbose'],
    ['--resource', 'storage'],
    ['--seed', '-1'],
    ['--admin-origin', 'http://localhost:3000/app'],
  ]) {
    expect(() => parseCliArgs(bad)).toThrow(
      expect.objectContaining({ code: 'ERR_EMULATOR_INVALID_ARGUMENT' }),
    )
  }
})

it('prints the URLs, users, clients and how to trust the written certificate', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cae-cli-'))
  dirs.push(dir)
  const lines: string[] = []
  const idp = await runCli(['--port', '0', '--cert-dir', dir], {
    log: (line) => lines.push(line),
    error: (line) => lines.push(line),
  })
  try {
    const output = lines.join('\n')
    const certPath = join(dir, 'cert.pem')
    expect(await readFile(certPath, 'utf8')).toBe(idp?.caCertPem)
    expect(output).toContain(`authority         ${idp?.authority}`)
    expect(output).toContain(`NODE_EXTRA_CA_CERTS=${certPath}`)
    expect(output).toContain(`--ignore-certificate-errors-spki-list=${idp?.caCertSpkiSha256}`)
    expect(output).toMatch(/alice@contoso\.test\s+password: alice-password/)
    expect(output).toContain('secret: daemon-secret')
    expect(output).toContain('MFA code: 123456')
    expect(output).toContain('TLS certificate created')
  } finally {
    await idp?.close()
  }
})

it('prints the usage for --help without starting', async () => {
  const lines: string[] = []
  const idp = await runCli(['--help'], { log: (l) => lines.push(l), error: (l) => lines.push(l) })
  expect(idp).toBeUndefined()
  expect(lines.join('\n')).toContain('Usage: cae-emulator')
})
