/**
 * The example SPA under test: built once with its own Vite config (workspace packages from source)
 * into a temporary folder, then served with the example's own demo server code beside an emulator
 * on free ports. Also drives the emulator's sign-in popup the way a user would.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { ResourceDialect, RunningEmulator } from '@cae-kit/emulator'
import { startEmulator } from '@cae-kit/emulator'
import type { Page } from 'playwright-core'
import { build } from 'vite'
import { onTestFailed } from 'vitest'
import { spaClientFor, spaConfigFor } from '../../../examples/spa/server/spa-config'
import { startSpaServer } from '../../../examples/spa/server/spa-server'
import { resultsDir } from '../../support/chromium'

export const spaRoot = resolve(import.meta.dirname, '../../../examples/spa')

const DIALECTS: readonly ResourceDialect[] = ['graph', 'arm', 'keyvault']

/**
 * The resource dialect the emulator's API speaks in the e2e suite: `CAE_E2E_RESOURCE` (`graph`,
 * `arm` or `keyvault`), `graph` when unset. CI runs Graph; `pnpm test:e2e:dialects` runs all three.
 *
 * @throws Error for any other value, so a typo never silently tests Graph.
 */
export function e2eResource(value = process.env.CAE_E2E_RESOURCE): ResourceDialect {
  if (value === undefined || value === '') return 'graph'
  const dialect = DIALECTS.find((d) => d === value)
  if (!dialect) throw new Error(`CAE_E2E_RESOURCE must be one of ${DIALECTS.join(', ')}: ${value}`)
  return dialect
}

export interface SpaUnderTest {
  idp: RunningEmulator
  /** `http://localhost:<port>` serving the built SPA and its `/config.json`. */
  url: string
  close(): Promise<void>
}

/** Builds the SPA (vite, the example's config) into a temporary folder. */
export async function buildSpa(outDir: string): Promise<void> {
  await build({
    root: spaRoot,
    configFile: join(spaRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false, reportCompressedSize: false },
  })
}

/**
 * Builds the SPA, starts an emulator and the SPA server on free ports.
 *
 * @param refreshIntervalMs - The SPA's auto-refresh period.
 * @param resource - The emulator API's resource dialect.
 */
export async function startSpaUnderTest(
  refreshIntervalMs: number,
  resource: ResourceDialect = e2eResource(),
): Promise<SpaUnderTest> {
  const outDir = mkdtempSync(join(tmpdir(), 'cae-kit-spa-'))
  let config: unknown
  // The SPA's port first: its redirect URI is registered, so its admin panel may call the emulator.
  const server = await startSpaServer({ root: outDir, config: () => config })
  const [idp] = await Promise.all([
    startEmulator({ port: 0, resource, clients: [spaClientFor(server.url)] }),
    buildSpa(outDir),
  ])
  config = spaConfigFor(idp, refreshIntervalMs)
  return {
    idp,
    url: server.url,
    async close() {
      await Promise.allSettled([server.close(), idp.close()])
      rmSync(outDir, { recursive: true, force: true })
    },
  }
}

export interface Credentials {
  username: string
  password: string
  mfaCode: string
}

/**
 * Completes the emulator's sign-in in `popup`: fills whatever the current step asks (username
 * when editable, password, verification code), submits, and repeats until MSAL closes the popup.
 * Fails after `maxSteps` forms (wrong password, unexpected page).
 */
export async function completeSignIn(popup: Page, credentials: Credentials, maxSteps = 3) {
  let isClosed = false
  const closed = popup.waitForEvent('close', { timeout: 30_000 }).then(() => {
    isClosed = true
  })
  for (let step = 0; step < maxSteps; step++) {
    const submit = popup.getByTestId('login-submit')
    await Promise.race([closed, submit.waitFor({ timeout: 30_000 })])
    if (isClosed) return
    const username = popup.getByTestId('login-username')
    if ((await username.count()) > 0 && (await username.isEditable())) {
      await username.fill(credentials.username)
    }
    const password = popup.getByTestId('login-password')
    if ((await password.count()) > 0) await password.fill(credentials.password)
    const mfa = popup.getByTestId('login-mfa')
    if ((await mfa.count()) > 0) await mfa.fill(credentials.mfaCode)
    const loaded = popup
      .waitForEvent('domcontentloaded', { timeout: 30_000 })
      .catch(() => undefined)
    await submit.click()
    await Promise.race([closed, loaded])
    if (isClosed) return
  }
  await Promise.race([closed, popup.waitForTimeout(5_000)])
  if (!isClosed) {
    const error = await popup
      .getByTestId('login-error')
      .textContent()
      .catch(() => null)
    throw new Error(`sign-in did not complete in ${maxSteps} steps${error ? `: ${error}` : ''}`)
  }
}

/**
 * Signs in as a user the emulator refuses (disabled): submits the credentials, expects the
 * emulator's error page, and returns the error to the app with its "Return to the application"
 * control, as a user would. Resolves once the popup is closed.
 */
export async function refuseSignIn(popup: Page, credentials: Credentials): Promise<string> {
  const closed = popup.waitForEvent('close', { timeout: 30_000 })
  const username = popup.getByTestId('login-username')
  await username.waitFor({ timeout: 30_000 })
  if (await username.isEditable()) await username.fill(credentials.username)
  await popup.getByTestId('login-password').fill(credentials.password)
  await popup.getByTestId('login-submit').click()
  const error = (await popup.getByTestId('login-error').textContent({ timeout: 30_000 })) ?? ''
  await popup.getByTestId('login-return').click()
  await closed
  return error
}

/** Waits until the SPA's status line has `state` and returns its text. */
export async function waitForStatus(page: Page, state: string, timeout = 20_000): Promise<string> {
  const status = page.locator(`[data-testid="app-status"][data-state="${state}"]`)
  await status.waitFor({ timeout })
  return (await status.textContent()) ?? ''
}

/**
 * Saves the SPA's status line and "What cae-kit did" log as text into `test/test-results/` if the
 * current test fails: with the screenshot, it says where a story went wrong.
 */
export function saveLogOnFailure(page: Page, name: string): void {
  onTestFailed(async () => {
    const text = await page
      .evaluate(() => {
        const status = document.querySelector('[data-testid="app-status"]')
        const lines = [...document.querySelectorAll('[data-testid="sdk-log"] li')].map(
          (item) => item.textContent,
        )
        return [
          `status (${status?.getAttribute('data-state')}): ${status?.textContent}`,
          ...lines,
        ].join('\n')
      })
      .catch((error: unknown) => `page unavailable: ${String(error)}`)
    mkdirSync(resultsDir, { recursive: true })
    writeFileSync(join(resultsDir, `${name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.log`), text)
  })
}
