// @vitest-environment node
/**
 * @cae-kit/msal-browser in real headless Chromium: MSAL browser 5 + axios + attachCae +
 * fromMsalBrowser, bundled from source, against the emulator over HTTPS.
 */

import { join } from 'node:path'
import { DEFAULT_SPA_CLIENT_ID, DEFAULT_USERS, startEmulator } from '@cae-kit/emulator'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  chromiumSuite,
  launchChromium,
  newTestContext,
  screenshotOnFailure,
  watchPopups,
} from '../support/chromium'
import { resetWithLoopDetection } from '../support/loops'
import { buildPages, type StaticServer, startStaticServer } from '../support/pages'
import { autoSignIn, type Credentials, fillSignIn } from '../support/sign-in'
import type { ApiCall, Outcome, PageConfig } from './app/api'

const chromium = chromiumSuite()
const alice: Credentials = {
  username: DEFAULT_USERS[0]?.username ?? 'alice@contoso.test',
  password: DEFAULT_USERS[0]?.password ?? 'alice-password',
}

type Emulator = Awaited<ReturnType<typeof startEmulator>>

describe.skipIf(!chromium.available)('msal-browser in Chromium against the emulator', () => {
  let emulator: Emulator
  let server: StaticServer
  let browser: Browser

  beforeAll(async () => {
    ;[emulator, server] = await Promise.all([startEmulator({ port: 0 }), startStaticServer()])
    const config: PageConfig = {
      clientId: DEFAULT_SPA_CLIENT_ID,
      authority: emulator.authority,
      knownAuthority: emulator.knownAuthority,
      redirectUri: `${server.url}/redirect.html`,
      apiUrl: emulator.apiUrl,
      scopes: [...emulator.apiScopes.delegated],
    }
    const [launched] = await Promise.all([
      launchChromium(),
      buildPages({
        root: join(import.meta.dirname, 'app'),
        pages: ['index.html', 'redirect.html'],
        outDir: server.dir,
        define: { __CAE_TEST__: config },
      }),
    ])
    browser = launched
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await emulator?.close()
  })

  resetWithLoopDetection(() => emulator?.admin)

  /** A fresh context with the app loaded and ready; popups counted from here on. */
  async function openApp(name: string) {
    const context = await newTestContext(browser)
    const page = await context.newPage()
    const popups = watchPopups(context)
    screenshotOnFailure(page, name)
    await page.goto(`${server.url}/index.html`)
    await page.evaluate(() => window.cae.ready)
    return { context, page, popups }
  }

  /** Signs alice in with the app's loginPopup and the emulator's form. */
  async function signIn(app: { page: Page; popups: ReturnType<typeof watchPopups> }) {
    const popup = app.popups.next()
    const username = app.page.evaluate(() => window.cae.signIn())
    await fillSignIn(await popup, alice)
    expect(await username).toBe(alice.username)
  }

  const call = (page: Page, calls: ApiCall[]): Promise<Outcome[]> =>
    page.evaluate((c) => window.cae.call(c), calls)

  const statuses = (path: string, method = 'GET') =>
    emulator.admin
      .apiRequests()
      .filter((r) => r.path === path && r.method === method)
      .map((r) => r.status)

  it('answers a location challenge silently with the claims and replays, with no popup', async () => {
    const app = await openApp('silent-claims')
    await signIn(app)
    expect(await call(app.page, [{ method: 'GET', path: '/me' }])).toMatchObject([{ ok: true }])
    const popupsBefore = app.popups.count

    emulator.admin.leaveTrustedLocation()
    const [outcome] = await call(app.page, [{ method: 'GET', path: '/me' }])

    expect(outcome).toMatchObject({ ok: true, status: 200 })
    expect(app.popups.count).toBe(popupsBefore)
    expect(statuses('/me')).toEqual([200, 401, 200])
    const challenge = emulator.admin.apiRequests().find((r) => r.status === 401)
    const refresh = emulator.admin
      .tokenRequests()
      .filter((t) => t.grantType === 'refresh_token' && t.ok)
    expect(refresh).toHaveLength(1)
    // The challenge's claims reached the token endpoint (merged by MSAL with xms_cc).
    const sent = JSON.parse(refresh[0]?.claims ?? '{}')
    const asked = JSON.parse(challenge?.claims ?? '{}')
    expect(sent.access_token).toMatchObject(asked.access_token)
    expect(refresh[0]?.capabilities).toEqual(['CP1'])
    await app.context.close()
  })

  it('opens ONE popup for several concurrent challenges after revokeSessions, then replays all', async () => {
    const app = await openApp('revoked-one-popup')
    await signIn(app)
    expect(await call(app.page, [{ method: 'GET', path: '/me' }])).toMatchObject([{ ok: true }])
    const popupsBefore = app.popups.count
    const stop = autoSignIn(app.context, alice)

    emulator.admin.revokeSessions(alice.username)
    const outcomes = await call(app.page, [
      { method: 'GET', path: '/me' },
      { method: 'GET', path: '/messages' },
      { method: 'POST', path: '/messages', body: { text: 'sent while revoked' } },
    ])
    stop()

    expect(outcomes.map((o) => o.ok && o.status)).toEqual([200, 200, 201])
    expect(app.popups.count - popupsBefore).toBe(1)
    expect(await app.page.evaluate(() => window.cae.interactions)).toEqual([
      { kind: 'popup', claims: true },
    ])
    const posts = emulator.admin.apiRequests().filter((r) => r.method === 'POST')
    expect(posts.map((r) => r.status)).toEqual([401, 201])
    await app.context.close()
  })

  it('survives a redirect round trip and replays the waiting POST exactly once', async () => {
    const app = await openApp('redirect-round-trip')
    await signIn(app)
    await app.page.evaluate(() => window.cae.configure({ interaction: 'redirect' }))
    expect(await call(app.page, [{ method: 'GET', path: '/me' }])).toMatchObject([{ ok: true }])

    emulator.admin.revokeSessions(alice.username)
    await app.page.evaluate(() => {
      void window.cae.call([
        { method: 'POST', path: '/messages', body: { text: 'after redirect' } },
      ])
    })
    await app.page.waitForURL((url) => url.origin === emulator.url)
    await fillSignIn(app.page, alice)
    await app.page.waitForURL(`${server.url}/index.html`)
    const report = await app.page.evaluate(() => window.cae.ready)

    expect(report).toMatchObject({
      redirected: true,
      username: alice.username,
      pending: [
        { method: 'POST', url: `${emulator.apiUrl}/messages`, body: '{"text":"after redirect"}' },
      ],
      replays: [{ ok: true, status: 201 }],
    })
    const posts = () => emulator.admin.apiRequests().filter((r) => r.method === 'POST')
    expect(posts().map((r) => [r.status, r.body])).toEqual([
      [401, '{"text":"after redirect"}'],
      [201, '{"text":"after redirect"}'],
    ])

    // A reload is a fresh start: nothing is replayed twice.
    await app.page.reload()
    expect(await app.page.evaluate(() => window.cae.ready)).toMatchObject({
      redirected: false,
      pending: [],
    })
    expect(posts()).toHaveLength(2)
    await app.context.close()
  })

  it('rejects ERR_CAE_POPUP_BLOCKED when the browser blocks the popup', async () => {
    const app = await openApp('popup-blocked')
    await signIn(app)
    await app.page.addInitScript(() => {
      window.open = () => null
    })
    await app.page.reload()
    await app.page.evaluate(() => window.cae.ready)

    emulator.admin.revokeSessions(alice.username)
    const [outcome] = await call(app.page, [{ method: 'GET', path: '/me' }])

    expect(outcome).toMatchObject({
      ok: false,
      code: 'ERR_CAE_POPUP_BLOCKED',
      causeCode: 'popup_window_error',
    })
    expect(outcome?.ok === false && outcome.claims).toBeTruthy()
    await app.context.close()
  })

  it('rejects ERR_CAE_ACCESS_BLOCKED when the account is disabled', async () => {
    const app = await openApp('access-blocked')
    await signIn(app)
    expect(await call(app.page, [{ method: 'GET', path: '/me' }])).toMatchObject([{ ok: true }])
    const popupsBefore = app.popups.count
    // MSAL answers a refresh-token invalid_grant (AADSTS50057) with a prompt=none iframe, whose
    // login_required needs a prompt: the user signs in and the emulator reports the account disabled.
    void app.popups.next().then(async (popup) => {
      await fillSignIn(popup, alice)
      await popup.getByTestId('login-return').click()
    })

    emulator.admin.disableUser(alice.username)
    const [outcome] = await call(app.page, [{ method: 'GET', path: '/me' }])

    expect(outcome).toMatchObject({
      ok: false,
      code: 'ERR_CAE_ACCESS_BLOCKED',
      causeCode: 'access_denied',
    })
    expect(app.popups.count - popupsBefore).toBe(1)
    await app.context.close()
  })

  it('queues a prompt for other claims behind the open one in the same tab', async () => {
    const app = await openApp('different-claims')
    await signIn(app)
    expect(await call(app.page, [{ method: 'GET', path: '/me' }])).toMatchObject([{ ok: true }])
    const popups = watchPopups(app.context)
    const stop = autoSignIn(app.context, alice)

    // Two different claims challenges at once: auth contexts c1 and c2 (both need MFA).
    emulator.admin.requireAuthContext('/me', 'c2')
    emulator.admin.requireAuthContext('/messages', 'c1')
    const outcomes = await call(app.page, [
      { method: 'GET', path: '/me' },
      { method: 'GET', path: '/messages' },
    ])
    stop()

    // Without the queue MSAL rejects the second prompt with interaction_in_progress; with it, the
    // queued request retries silently once the first prompt (with MFA) renewed the session.
    expect(outcomes.map((o) => o.ok && o.status)).toEqual([200, 200])
    expect(popups.count).toBe(1)
    const acrs = (claims: string | undefined) =>
      JSON.parse(claims ?? '{}').access_token?.acrs?.value
    const challenged = emulator.admin.apiRequests().filter((r) => r.status === 401)
    expect(challenged.map((r) => acrs(r.claims)).sort()).toEqual(['c1', 'c2'])
    const [prompted] = emulator.admin
      .tokenRequests()
      .filter((t) => t.grantType === 'authorization_code' && t.claims?.includes('acrs'))
      .map((t) => acrs(t.claims))
    const renewedSilently = emulator.admin
      .tokenRequests()
      .filter((t) => t.grantType === 'refresh_token' && t.ok)
      .map((t) => acrs(t.claims))
    expect(renewedSilently).toEqual([prompted === 'c1' ? 'c2' : 'c1'])
    await app.context.close()
  })

  /** Two-tab runs in CI; `pnpm stress:cross-tab` runs 20 (CAE_CROSS_TAB_RUNS). */
  const crossTabRuns = Number(process.env.CAE_CROSS_TAB_RUNS ?? 3)
  for (let run = 1; run <= crossTabRuns; run++) {
    it(`prompts once across tabs of the app: the waiting tab takes the other tab's sign-in (run ${run}/${crossTabRuns})`, async () => {
      const app = await openApp(`cross-tab-${run}`)
      await signIn(app)
      const second = await app.context.newPage()
      await second.goto(`${server.url}/index.html`)
      await second.evaluate(() => window.cae.ready)
      await Promise.all([
        call(app.page, [{ method: 'GET', path: '/me' }]),
        call(second, [{ method: 'GET', path: '/me' }]),
      ])
      const popups = watchPopups(app.context)
      const stop = autoSignIn(app.context, alice)

      emulator.admin.revokeSessions(alice.username)
      const outcomes = await Promise.all([
        call(app.page, [{ method: 'GET', path: '/me' }]),
        call(second, [{ method: 'GET', path: '/messages' }]),
      ])
      stop()

      expect(outcomes.flat().map((o) => o.ok && o.status)).toEqual([200, 200])
      // One sign-in for both tabs: the tab that waited for the Web Lock got the other tab's
      // outcome over the BroadcastChannel instead of racing MSAL's localStorage sync.
      expect(popups.count).toBe(1)
      await app.context.close()
    })
  }

  /**
   * Headless Chromium has no window manager: nothing moves the focus between the app window and
   * the popup. These helpers do what a desktop window manager does: the popup takes the focus
   * when it opens, the app window gets it back when the popup closes.
   */
  const windowManager = {
    popupOpened: (app: Page) => app.evaluate(() => window.dispatchEvent(new Event('blur'))),
    popupClosed: (app: Page) => app.evaluate(() => window.dispatchEvent(new Event('focus'))),
  }

  /** Revokes alice's sessions and starts a call whose challenge opens the sign-in popup. */
  async function challengeWithPopup(app: Awaited<ReturnType<typeof openApp>>) {
    await signIn(app)
    expect(await call(app.page, [{ method: 'GET', path: '/me' }])).toMatchObject([{ ok: true }])
    emulator.admin.revokeSessions(alice.username)
    const popup = app.popups.next()
    const outcomes = call(app.page, [
      { method: 'GET', path: '/me' },
      { method: 'GET', path: '/messages' },
    ])
    const opened = await popup
    await opened.getByTestId('login-username').waitFor()
    await windowManager.popupOpened(app.page)
    return { popup: opened, outcomes }
  }

  for (const [how, close] of [
    ["the window's close button", (popup: Page) => popup.close()],
    ['window.close() in the popup', (popup: Page) => popup.evaluate(() => window.close())],
  ] as const) {
    it(`cancels every waiting request within 2 s when the user closes the popup (${how}); the next call prompts again`, async () => {
      const app = await openApp(`popup-closed-${how.split(' ')[0]}`)
      const { popup, outcomes } = await challengeWithPopup(app)
      // The sign-in page sends COOP same-origin like Entra: the app cannot watch popup.closed.
      expect(await app.page.evaluate(() => window.cae.popupLooksClosed())).toBe(true)

      const closedAt = Date.now()
      await close(popup)
      await windowManager.popupClosed(app.page)
      const settled = await outcomes
      // Bound of the code: 0.4 s; the rest is room for a loaded machine.
      expect(Date.now() - closedAt).toBeLessThan(2_000 + 1_500)
      expect(settled).toMatchObject([
        { ok: false, code: 'ERR_CAE_INTERACTION_CANCELLED' },
        { ok: false, code: 'ERR_CAE_INTERACTION_CANCELLED' },
      ])

      // The next call opens a new popup at once (MSAL still waits for the first one).
      const stop = autoSignIn(app.context, alice)
      const again = await call(app.page, [{ method: 'GET', path: '/me' }])
      stop()
      expect(again).toMatchObject([{ ok: true, status: 200 }])
      await app.context.close()
    })
  }

  it('never cancels a slow sign-in: the user takes 10 s in the popup (COOP sign-in page)', async () => {
    const app = await openApp('slow-sign-in')
    const { popup, outcomes } = await challengeWithPopup(app)
    // What polling popup.closed would see: the window reads as closed while it is open.
    expect(await app.page.evaluate(() => window.cae.popupLooksClosed())).toBe(true)
    await popup.waitForTimeout(10_000)
    expect(popup.isClosed()).toBe(false)
    await fillSignIn(popup, alice)
    expect((await outcomes).map((o) => o.ok && o.status)).toEqual([200, 200])
    expect(app.popups.count).toBe(2)
    await app.context.close()
  }, 60_000)

  it('warns in the console when the application does not declare CP1', async () => {
    const app = await openApp('cp1-warning')
    const warnings: string[] = []
    app.page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text())
    })
    await app.page.evaluate(() => window.cae.createProviderWithCapabilities(['CP1']))
    expect(warnings.filter((w) => w.includes('CP1'))).toEqual([])
    await app.page.evaluate(() => window.cae.createProviderWithCapabilities([]))
    await expect.poll(() => warnings.filter((w) => w.includes('CP1'))).toHaveLength(1)
    await app.context.close()
  })
})
