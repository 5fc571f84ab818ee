/**
 * Headless Chromium for browser tests: Debian's `/usr/bin/chromium` driven by playwright-core
 * (no browser download). When Chromium is missing, suites are skipped with a console warning, or
 * fail with a clear message when `CI` is set.
 *
 * @example
 * ```ts
 * const chromium = chromiumSuite()          // at module level
 * describe.skipIf(!chromium.available)('my browser suite', () => {
 *   let browser: Browser
 *   beforeAll(async () => { browser = await launchChromium() })
 *   afterAll(() => browser?.close())
 * })
 * ```
 */

import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { onTestFailed } from 'vitest'

/** Where Chromium is looked for; override with `CHROMIUM_PATH`. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Screenshots of failed browser tests land here (git-ignored by the repo's tooling). */
export const resultsDir = join(import.meta.dirname, '..', 'test-results')

/**
 * Tells whether browser suites can run. Without Chromium: throws under CI (a skipped suite would
 * hide a broken CI image), otherwise warns once and returns `{ available: false }`.
 */
export function chromiumSuite(): { available: boolean } {
  if (existsSync(chromiumPath)) return { available: true }
  const message = `Chromium not found at ${chromiumPath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`
  if (process.env.CI) throw new Error(`${message}. Browser tests cannot be skipped under CI.`)
  console.warn(`[browser tests skipped] ${message}`)
  return { available: false }
}

/** Launches headless Chromium with flags that keep it quiet, offline and fast. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * A fresh context (own cookies and storage) that trusts the emulator's self-signed certificate.
 * Console errors of its pages are collected for failure reports.
 */
export async function newTestContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true })
}

/**
 * Counts pages opened by a context after this call (popups). `pages` holds them in order;
 * `next()` resolves with the next one opened; `maxOpen` is the most that were open at once.
 */
export function watchPopups(context: BrowserContext) {
  const pages: Page[] = []
  const waiting: Array<(page: Page) => void> = []
  let open = 0
  let maxOpen = 0
  context.on('page', (page) => {
    pages.push(page)
    maxOpen = Math.max(maxOpen, ++open)
    page.once('close', () => open--)
    waiting.shift()?.(page)
  })
  return {
    pages,
    get count() {
      return pages.length
    },
    get maxOpen() {
      return maxOpen
    },
    next: (): Promise<Page> => new Promise((resolve) => waiting.push(resolve)),
  }
}

/**
 * Saves a full-page screenshot of `page` (and of any other page of its context) into
 * `test/test-results/` if the current test fails. Call it inside the test.
 */
export function screenshotOnFailure(page: Page, name: string): void {
  onTestFailed(async () => {
    mkdirSync(resultsDir, { recursive: true })
    const safe = name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()
    const pages = page.context().pages()
    await Promise.all(
      pages.map((p, i) =>
        p
          .screenshot({ path: join(resultsDir, `${safe}${i ? `-${i}` : ''}.png`), fullPage: true })
          .catch(() => undefined),
      ),
    )
  })
}
