// @vitest-environment node
import { X509Certificate } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { Agent, request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import {
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
  DEFAULT_MIDDLE_TIER_CLIENT_ID,
  DEFAULT_MIDDLE_TIER_CLIENT_SECRET,
  DEFAULT_SPA_CLIENT_ID,
  startEmulator as lazyStart,
} from './index'
import { startEmulator } from './server'

const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

function get(url: string, ca: string, agent?: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, ...(agent ? { agent } : {}) }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

it('serves HTTPS on localhost with a certificate for localhost, 127.0.0.1 and ::1', async () => {
  const idp = await startEmulator()
  try {
    expect(idp.url).toBe(`https://localhost:${idp.port}`)
    expect(idp.authority).toBe(`${idp.url}/${idp.tenantId}`)
    expect(idp.apiUrl).toBe(`${idp.url}/api`)
    expect(idp.knownAuthority).toBe(`localhost:${idp.port}`)
    const san = new X509Certificate(idp.caCertPem).subjectAltName ?? ''
    expect(san).toContain('DNS:localhost')
    expect(san).toContain('IP Address:127.0.0.1')
    expect(san).toMatch(/IP Address:(::1|0:0:0:0:0:0:0:1)/)
    const viaIp = await idp.fetch(`https://127.0.0.1:${idp.port}/`)
    expect(await viaIp.json()).toMatchObject({
      authority: `https://127.0.0.1:${idp.port}/${idp.tenantId}`,
    })
    expect(idp.caCertSpkiSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/)
  } finally {
    await idp.close()
  }
})

it('closes with keep-alive connections open and stops accepting requests', async () => {
  const idp = await startEmulator()
  const agent = new Agent({ keepAlive: true, ca: idp.caCertPem })
  expect(await get(`${idp.url}/`, idp.caCertPem, agent)).toBe(200)
  await idp.close()
  await expect(get(`https://127.0.0.1:${idp.port}/`, idp.caCertPem)).rejects.toMatchObject({
    code: 'ECONNREFUSED',
  })
  agent.destroy()
})

it('reuses the certificate stored in certDir across restarts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cae-emulator-'))
  dirs.push(dir)
  const first = await startEmulator({ certDir: dir })
  await first.close()
  const second = await lazyStart({ certDir: dir })
  await second.close()
  expect(second.caCertPem).toBe(first.caCertPem)
})

it('merges custom users and clients with the defaults', async () => {
  const idp = await startEmulator({
    users: [{ username: 'Carol@Contoso.test', password: 'carol', mfaRequired: true }],
    clients: [{ clientId: 'my-daemon', clientSecret: 'shh' }],
  })
  try {
    expect(idp.users.map((u) => u.username)).toEqual([
      'alice@contoso.test',
      'bob@contoso.test',
      'carol@contoso.test',
    ])
    expect(idp.clients.find((c) => c.clientId === 'my-daemon')).toMatchObject({
      kind: 'confidential',
    })
    const response = await idp.fetch(`${idp.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        client_id: 'my-daemon',
        client_secret: 'shh',
        grant_type: 'client_credentials',
        scope: idp.apiScopes.app,
      }),
    })
    expect(response.status).toBe(200)
  } finally {
    await idp.close()
  }
})

it('configures msal-node for a registered client with its secret, the authority and CP1', async () => {
  const idp = await startEmulator()
  try {
    const shared = {
      authority: idp.authority,
      knownAuthorities: [`localhost:${idp.port}`],
      clientCapabilities: ['CP1'],
    }
    expect(idp.msalNodeConfig()).toEqual({
      auth: {
        clientId: DEFAULT_DAEMON_CLIENT_ID,
        clientSecret: DEFAULT_DAEMON_CLIENT_SECRET,
        ...shared,
      },
      system: { networkClient: idp.networkClient },
    })
    const middleTier = idp.msalNodeConfig({ clientId: DEFAULT_MIDDLE_TIER_CLIENT_ID }).auth
    expect(middleTier.clientSecret).toBe(DEFAULT_MIDDLE_TIER_CLIENT_SECRET)
    const publicOne = idp.msalNodeConfig({ clientId: DEFAULT_SPA_CLIENT_ID }).auth
    expect(publicOne).not.toHaveProperty('clientSecret')
    const asPublic = idp.msalNodeConfig({ clientSecret: null, clientCapabilities: [] }).auth
    expect(asPublic).toEqual({
      ...shared,
      clientId: DEFAULT_DAEMON_CLIENT_ID,
      clientCapabilities: [],
    })
  } finally {
    await idp.close()
  }
})
