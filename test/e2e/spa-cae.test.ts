// @vitest-environment node
/**
 * The example SPA (examples/spa) in headless Chromium against the emulator: for every CAE event
 * of the admin panel, what the user sees. One browser for the suite, one fresh context (cookies,
 * storage) per story, the emulator reset between stories.
 */
import type { ApiRequestRecord } from '@cae-kit/emulator'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, onTestFailed, onTestFinished } from 'vitest'
import { DEMO_NEW_PASSWORD } from '../../examples/spa/server/spa-config'
import {
  chromiumSuite,
  launchChromium,
  newTestContext,
  screenshotOnFailure,
  watchPopups,
} from '../support/chromium'
import { resetWithLoopDetection } from '../support/loops'
import {
  type Credentials,
  completeSignIn,
  e2eResource,
  refuseSignIn,
  type SpaUnderTest,
  saveLogOnFailure,
  startSpaUnderTest,
  waitForStatus,
} from './support/spa'

const chromium = chromiumSuite()

/** Short, so the blocked-user story can show that polling stops; other stories turn it off. */
const REFRESH_MS = 1000

/** The API's resource dialect: Graph in CI, `pnpm test:e2e:dialects` runs all three. */
const RESOURCE = e2eResource()

describe.skipIf(!chromium.available)(`example SPA against the ${RESOURCE} emulator`, () => {
  let browser: Browser
  let app: SpaUnderTest
  let alice: Credentials

  beforeAll(async () => {
    ;[browser, app] = await Promise.all([launchChromium(), startSpaUnderTest(REFRESH_MS, RESOURCE)])
    const user = app.idp.users[0]
    if (!user) throw new Error('emulator without users')
    alice = { username: user.username, password: user.password, mfaCode: app.idp.mfaCode }
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })
  resetWithLoopDetection(() => app?.idp.admin)

  /** What the story fired through the admin panel (the suite's own `detectLoops` left out). */
  const panelEvents = () => app.idp.admin.events().filter((e) => e.type !== 'detectLoops')

  /** A fresh context, signed in through one popup, data loaded; `autoRefresh` off unless asked. */
  async function signedIn(name: string, autoRefresh = false) {
    const context = await newTestContext(browser)
    // Vitest runs onTestFinished before onTestFailed, and failure hooks last-registered-first: a
    // failed story keeps its page open for the screenshot and log hooks registered below.
    onTestFailed(() => context.close())
    onTestFinished(({ task }) => (task.result?.state === 'fail' ? undefined : context.close()))
    const page = await context.newPage()
    const popups = watchPopups(context)
    screenshotOnFailure(page, name)
    saveLogOnFailure(page, name)
    await page.goto(app.url)
    await waitForStatus(page, 'info')
    const popup = popups.next()
    await page.getByTestId('sign-in').click()
    await completeSignIn(await popup, alice)
    await waitForStatus(page, 'ok')
    if (!autoRefresh) await page.getByTestId('auto-refresh').uncheck()
    expect(popups.count).toBe(1)
    // The first sign-in reads as a sign-in, not as "the user must authenticate again".
    expect(await page.getByTestId('sdk-log').textContent()).not.toMatch(/authenticate again/i)
    // From here on the log shows only the story's own steps.
    await page.getByTestId('clear-log').click()
    return { page, popups }
  }

  async function post(page: Page, text: string) {
    await page.getByTestId('message-input').fill(text)
    await page.getByTestId('post-message').click()
  }

  const posts = (): ApiRequestRecord[] =>
    app.idp.admin.apiRequests().filter((r) => r.method === 'POST' && r.path === '/messages')

  async function expectPostedOnce(page: Page, text: string, cause: string) {
    await waitForStatus(page, 'ok')
    await expect.poll(() => page.getByTestId('api-result').textContent()).toContain(text)
    const attempts = posts().filter((r) => r.body?.includes(text))
    // The original POST got the challenge, the replay went through: stored exactly once.
    expect(attempts.map((r) => r.status)).toEqual([401, 201])
    expect(attempts[0]?.cause).toBe(cause)
    expect(await page.getByTestId('message').filter({ hasText: text }).count()).toBe(1)
  }

  async function logKinds(page: Page): Promise<string[]> {
    return page
      .locator('[data-testid="sdk-log"] li')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.kind ?? ''))
  }

  it('recovers silently after leaving the trusted location and replays the POST once', async () => {
    const { page, popups } = await signedIn('leave-location')
    expect(await page.getByTestId('admin-leave-location').textContent()).toBe(
      'IP seen differently: silent',
    )
    await page.getByTestId('admin-leave-location').click()
    await expect.poll(() => panelEvents().map((e) => e.type)).toEqual(['leaveTrustedLocation'])
    await post(page, 'from a new network')
    await expectPostedOnce(page, 'from a new network', 'LocationConditionEvaluationSatisfied')
    expect(popups.count).toBe(1)
    expect(await logKinds(page)).toEqual(
      expect.arrayContaining(['challenge', 'claims', 'token', 'replay']),
    )
    expect(await logKinds(page)).not.toContain('prompt')
  })

  it('shows "blocked" plainly after leaving the allowed network: no popup, one refused token request, no retry', async () => {
    const { page, popups } = await signedIn('leave-location-blocked', true)
    expect(await page.getByTestId('admin-leave-location-blocked').textContent()).toBe(
      'Left the allowed network: blocked',
    )
    const tokensBefore = app.idp.admin.tokenRequests().length
    await page.getByTestId('admin-leave-location-blocked').click()
    await expect
      .poll(() => panelEvents().map((e) => [e.type, e.enforcement]))
      .toEqual([['leaveTrustedLocation', 'block']])
    await page.getByTestId('call-api').click()

    const text = await waitForStatus(page, 'blocked')
    expect(text).toContain('Conditional Access policy (AADSTS53003)')
    expect(text).toContain('not an allowed location')
    expect(text).not.toMatch(/sign in again\./i)
    expect(await page.getByTestId('api-result').textContent()).toContain('blocked')
    // Entra refuses the silent renewal; no popup is opened for a sign-in that would be refused too.
    expect(popups.count).toBe(1)
    expect(await logKinds(page)).toEqual(
      expect.arrayContaining(['challenge', 'claims', 'silent', 'error']),
    )
    expect(await logKinds(page)).not.toContain('prompt')
    // The failed outcome is painted like an error, never in the colour of a success.
    const painted = await page
      .locator('[data-testid="sdk-log"] li')
      .evaluateAll((items) =>
        items.map((item) => [
          (item as HTMLElement).dataset.kind ?? '',
          (item as HTMLElement).dataset.result ?? '',
          getComputedStyle(item.querySelector('.kind') as Element).color,
        ]),
      )
    const colourOf = (kind: string, result = '') =>
      painted.filter(([k, r]) => k === kind && r === result).map(([, , colour]) => colour)
    expect(colourOf('outcome', 'failed').length).toBeGreaterThanOrEqual(1)
    expect(new Set([...colourOf('outcome', 'failed'), ...colourOf('error')]).size).toBe(1)
    const success = await page.evaluate(() => {
      const probe = document.body.appendChild(document.createElement('span'))
      probe.style.color = 'var(--ok)'
      const colour = getComputedStyle(probe).color
      probe.remove()
      return colour
    })
    expect(colourOf('outcome', 'failed')).not.toContain(success)
    // One refused token request for /me and /messages together: their challenges meet in one
    // single-flight, or the second comes after the refusal, which the engine remembers.
    const refused = app.idp.admin.tokenRequests().slice(tokensBefore)
    expect(refused).toHaveLength(1)
    expect(refused.every((r) => !r.ok && r.errorCode === 53003)).toBe(true)
    expect(
      app.idp.admin
        .apiRequests()
        .filter((r) => r.status === 401)
        .map((r) => r.cause),
    ).toContain('LocationConditionEvaluationSatisfied')

    const counts = () => ({
      popups: popups.count,
      token: app.idp.admin.tokenRequests().length,
      api: app.idp.admin.apiRequests().length,
    })
    const before = counts()
    // Several refresh periods later: auto-refresh stayed paused, nothing was retried.
    await page.waitForTimeout(REFRESH_MS * 3)
    expect(counts()).toEqual(before)
    expect(await page.getByTestId('auto-refresh').isChecked()).toBe(false)
  })

  /**
   * Headless Chromium has no window manager: these do what a desktop one does, the popup takes
   * the focus when it opens, the app window gets it back when the popup closes.
   */
  const windowManager = {
    popupOpened: (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('blur'))),
    popupClosed: (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('focus'))),
  }

  for (const [how, close] of [
    ["the window's close button", (popup: Page) => popup.close()],
    ['window.close() in the popup', (popup: Page) => popup.evaluate(() => window.close())],
  ] as const) {
    it(`shows "Sign-in was cancelled" within 2 s when the user closes the popup (${how}), and the next call prompts again`, async () => {
      const { page, popups } = await signedIn(`popup-closed-${how.split(' ')[0]}`)
      await page.getByTestId('admin-revoke-sessions').click()
      await expect.poll(() => panelEvents().length).toBe(1)
      const next = popups.next()
      await page.getByTestId('call-api').click()
      const popup = await next
      await popup.getByTestId('login-username').waitFor()
      await windowManager.popupOpened(page)
      await waitForStatus(page, 'busy')

      const closedAt = Date.now()
      await close(popup)
      await windowManager.popupClosed(page)
      const text = await waitForStatus(page, 'error', 5_000)
      // The kit's bound is 0.4 s; the rest is room for a loaded machine.
      expect(Date.now() - closedAt).toBeLessThan(2_000 + 1_500)
      expect(text).toContain('Sign-in was cancelled')

      const again = popups.next()
      await page.getByTestId('call-api').click()
      await completeSignIn(await again, alice)
      await waitForStatus(page, 'ok')
      expect(popups.count).toBe(3)
    })
  }

  it('says the local certificate is not trusted when the browser refuses the emulator certificate', async () => {
    // Unlike the other stories' contexts, this one does not trust the self-signed certificate.
    const context = await browser.newContext()
    onTestFinished(() => context.close())
    const page = await context.newPage()
    screenshotOnFailure(page, 'untrusted-certificate')
    saveLogOnFailure(page, 'untrusted-certificate')
    await page.goto(app.url)
    await waitForStatus(page, 'info')
    await page.getByTestId('sign-in').click()
    const text = await waitForStatus(page, 'error')
    expect(text).toContain(`The sign-in server at ${app.idp.url} could not be reached`)
    expect(text).toContain('local certificate is probably not trusted')
    expect(text).toContain('accept the certificate warning')
    // Whole sentences: MSAL's code is named, never run together with the next sentence.
    expect(text).toMatch(/\(endpoints_resolution_error\): /)
    expect(app.idp.admin.tokenRequests()).toEqual([])
  })

  it('asks for a new sign-in in one popup after revoked sessions, then replays the POST once', async () => {
    const { page, popups } = await signedIn('revoke-sessions')
    await page.getByTestId('admin-revoke-sessions').click()
    await expect.poll(() => panelEvents().length).toBe(1)
    const popup = popups.next()
    await post(page, 'after revocation')
    await waitForStatus(page, 'busy')
    await completeSignIn(await popup, alice)
    await expectPostedOnce(page, 'after revocation', 'TokenIssuedBeforeRevocationTimestamp')
    expect(popups.count).toBe(2)
    expect(await logKinds(page)).toEqual(
      expect.arrayContaining([
        'challenge',
        'claims',
        'silent',
        'prompt',
        'token',
        'replay',
        'outcome',
      ]),
    )
  })

  it('signs in with the new password after a password reset, then replays the POST once', async () => {
    const { page, popups } = await signedIn('reset-password')
    await page.getByTestId('admin-reset-password').click()
    await expect.poll(() => panelEvents().length).toBe(1)
    const popup = popups.next()
    await post(page, 'after reset')
    await completeSignIn(await popup, { ...alice, password: DEMO_NEW_PASSWORD })
    await expectPostedOnce(page, 'after reset', 'PasswordChanged')
    expect(popups.count).toBe(2)
  })

  it('asks for the MFA code after MFA becomes required, then replays the POST once', async () => {
    const { page, popups } = await signedIn('require-mfa')
    await page.getByTestId('admin-require-mfa').click()
    await expect.poll(() => panelEvents().length).toBe(1)
    const popup = popups.next()
    await post(page, 'with mfa')
    const prompt = await popup
    await prompt.getByTestId('login-mfa').waitFor()
    await completeSignIn(prompt, alice)
    await expectPostedOnce(page, 'with mfa', 'TokenCreatedWithOutdatedPolicies')
    expect(popups.count).toBe(2)
  })

  it('re-authenticates a user whose risk was raised, then replays the POST once', async () => {
    const { page, popups } = await signedIn('raise-risk')
    await page.getByTestId('admin-raise-risk').click()
    await expect.poll(() => panelEvents().length).toBe(1)
    const popup = popups.next()
    await post(page, 'risky but verified')
    await completeSignIn(await popup, alice)
    await expectPostedOnce(page, 'risky but verified', 'UserRiskHigh')
    expect(popups.count).toBe(2)
  })

  it('steps up for the auth context on /messages while /me keeps working', async () => {
    const { page, popups } = await signedIn('auth-context')
    await page.getByTestId('admin-require-auth-context').click()
    await expect.poll(() => panelEvents().length).toBe(1)
    const popup = popups.next()
    await post(page, 'needs c1')
    const prompt = await popup
    await prompt.getByTestId('login-mfa').waitFor()
    await completeSignIn(prompt, alice)
    await expectPostedOnce(page, 'needs c1', 'AuthenticationContextRequired')
    expect(popups.count).toBe(2)
    const me = app.idp.admin.apiRequests().filter((r) => r.path === '/me')
    expect(me.every((r) => r.status === 200)).toBe(true)
  })

  it('shows a blocked state for a disabled user after one refused sign-in, then no retry loop', async () => {
    const { page, popups } = await signedIn('disable-user', true)
    await page.getByTestId('admin-disable-user').click()
    await expect.poll(() => panelEvents().length).toBe(1)
    const popup = popups.next()
    await page.getByTestId('call-api').click()
    // MSAL answers the refresh token's invalid_grant (AADSTS50057) with a prompt=none iframe whose
    // login_required hides the cause, so the user is asked to sign in once: the emulator refuses
    // the disabled account and the popup hands that error back to the app.
    expect(await refuseSignIn(await popup, alice)).toMatch(/disabled/)
    const text = await waitForStatus(page, 'blocked')
    expect(text).toMatch(/blocked/i)
    expect(popups.count).toBe(2)
    const counts = () => ({
      popups: popups.count,
      token: app.idp.admin.tokenRequests().length,
      api: app.idp.admin.apiRequests().length,
    })
    const before = counts()
    // Several refresh periods later: the auto-refresh stayed paused, nothing was retried.
    await page.waitForTimeout(REFRESH_MS * 3)
    expect(counts()).toEqual(before)
    expect(await page.getByTestId('api-result').textContent()).toContain('blocked')
  })
})
