// @vitest-environment node
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { generateCertificate, loadOrCreateCertificate, startEmulator } from './server'

const dirs: string[] = []
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'cae-review-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

it('gives concurrent starters on one empty certDir the certificate that ends up on disk', async () => {
  // Two vitest workers (or a CLI and a test run) starting with the same certDir at once.
  const dir = await tempDir()
  const [a, b] = await Promise.all([loadOrCreateCertificate(dir), loadOrCreateCertificate(dir)])
  const onDisk = await readFile(join(dir, 'cert.pem'), 'utf8')
  // NODE_EXTRA_CA_CERTS=<dir>/cert.pem must trust whatever each of them serves.
  expect(a.cert).toBe(onDisk)
  expect(b.cert).toBe(onDisk)
})

it('starts (regenerating the pair) when certDir holds a key that does not match the certificate', async () => {
  const dir = await tempDir()
  const first = await generateCertificate()
  const second = await generateCertificate()
  await writeFile(join(dir, 'cert.pem'), first.cert)
  await writeFile(join(dir, 'key.pem'), second.key)
  const idp = await startEmulator({ certDir: dir })
  await idp.close()
})
