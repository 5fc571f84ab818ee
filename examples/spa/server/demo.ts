/**
 * `pnpm demo`: the emulator on https://localhost:8443 (certificate kept in `.cae-emulator/` so a
 * browser exception or NODE_EXTRA_CA_CERTS stays valid between runs) and the built SPA on
 * http://localhost:5173. Ctrl-C stops both.
 *
 * Environment: CAE_EMULATOR_PORT (8443), CAE_DEMO_PORT (5173), CAE_EMULATOR_STATE_DIR
 * (.cae-emulator), CAE_DEMO_REFRESH_MS (5000).
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_DAEMON_CLIENT_ID, startEmulator } from '@cae-kit/emulator'
import { spaClientFor, spaConfigFor } from './spa-config'
import { startSpaServer } from './spa-server'

const env = process.env
const emulatorPort = Number(env.CAE_EMULATOR_PORT ?? 8443)
const spaPort = Number(env.CAE_DEMO_PORT ?? 5173)
const stateDir = resolve(env.CAE_EMULATOR_STATE_DIR ?? '.cae-emulator')
const refreshMs = Number(env.CAE_DEMO_REFRESH_MS ?? 5000)
const root = fileURLToPath(new URL('../www', import.meta.url))

function fail(message: string): never {
  console.error(`demo: ${message}`)
  process.exit(1)
}

if (!existsSync(resolve(root, 'index.html'))) {
  fail(`no SPA build in ${root}: run "pnpm demo" from the repository root (it builds first)`)
}

const inUse = (error: unknown, port: number, variable: string) =>
  (error as { code?: string }).code === 'EADDRINUSE'
    ? fail(`port ${port} is in use (another demo running?). Stop it or set ${variable}.`)
    : fail(String(error))

const idp = await startEmulator({
  port: emulatorPort,
  certDir: stateDir,
  clients: [spaClientFor(`http://localhost:${spaPort}`)],
}).catch((error: unknown) => inUse(error, emulatorPort, 'CAE_EMULATOR_PORT'))
const spa = await startSpaServer({
  root,
  config: spaConfigFor(idp, refreshMs),
  port: spaPort,
}).catch(async (error: unknown) => {
  await idp.close()
  return inUse(error, spaPort, 'CAE_DEMO_PORT')
})
const alice = idp.users[0]
const certPath = resolve(stateDir, 'cert.pem')

console.log(`
  cae-kit demo

  SPA          ${spa.url}
  Emulator     ${idp.url}   (authority ${idp.authority})
  Sign in as   ${alice?.username} / ${alice?.password}   (MFA code ${idp.mfaCode})

  Trust the emulator's local certificate once (it is kept in ${certPath}):
    - open ${idp.url} in your browser and accept the warning, then open the SPA; or
    - start Chromium with --ignore-certificate-errors-spki-list=${idp.caCertSpkiSha256}
      e.g. chromium --user-data-dir=/tmp/cae-demo --ignore-certificate-errors-spki-list=${idp.caCertSpkiSha256} ${spa.url}
    - Node clients: NODE_EXTRA_CA_CERTS=${certPath}

  Daemon       pnpm demo:daemon   (client ${DEFAULT_DAEMON_CLIENT_ID}, uses this emulator)
  Stop         Ctrl-C
`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  console.log('demo: stopping')
  await Promise.allSettled([spa.close(), idp.close()])
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
