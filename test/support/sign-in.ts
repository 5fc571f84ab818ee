/**
 * Drives the emulator's sign-in page (data-testids `login-username`, `login-password`,
 * `login-mfa`, `login-submit`) in a popup or in the main page (redirect flow).
 */

import type { BrowserContext, Page } from 'playwright-core'

/** Who signs in. `mfa` is typed only when the page asks for it. */
export interface Credentials {
  username: string
  password: string
  /** One-time code for the MFA field; the emulator's default is `123456`. */
  mfa?: string
}

/**
 * Fills and submits the sign-in form on `page`, then the MFA step when the emulator asks for it.
 * Fields the page does not show (a read-only username during a re-authentication, no password on a
 * step-up) are skipped.
 */
export async function fillSignIn(page: Page, credentials: Credentials): Promise<void> {
  const username = page.getByTestId('login-username')
  await username.waitFor()
  if (await username.isEditable()) await username.fill(credentials.username)
  const password = page.getByTestId('login-password')
  if (await password.count()) await password.fill(credentials.password)
  const mfa = page.getByTestId('login-mfa')
  if (await mfa.count()) await mfa.fill(credentials.mfa ?? '123456')
  await page.getByTestId('login-submit').click()
}

/**
 * Signs in automatically in every popup `context` opens from now on, so a test that expects one
 * popup never hangs on an unexpected second one (it counts them instead). Returns a stop function.
 * Popups closed by MSAL before the form appears are ignored.
 */
export function autoSignIn(context: BrowserContext, credentials: Credentials): () => void {
  const onPage = (page: Page) => {
    fillSignIn(page, credentials).catch(() => undefined)
  }
  context.on('page', onPage)
  return () => context.off('page', onPage)
}
