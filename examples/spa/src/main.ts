/**
 * The SPA: sign in, a profile and message view that refreshes itself, a form that posts, the
 * emulator admin panel, and a live log of what cae-kit did.
 */
import { adminActions, runAdmin } from './admin'
import { createApi } from './api'
import { createAuth } from './auth'
import { describeCaeEvent } from './cae-events'
import type { SpaConfig } from './config'
import { loadConfig } from './config'
import { describeFailure } from './failure'
import { createSdkLog } from './log'
import { logMsalEvents } from './msal-events'
import { createRefresher } from './refresh'
import type { View } from './view'
import {
  clearData,
  getView,
  renderAdmin,
  renderCredentials,
  renderData,
  setAccount,
  setStatus,
} from './view'

const time = () => new Date().toLocaleTimeString([], { hour12: false })

async function start(view: View, config: SpaConfig): Promise<void> {
  const log = createSdkLog(view.sdkLog)
  // CAE activity since the last outcome line: auto-refresh ticks log an outcome only when the kit
  // had something to do, so the log stays readable while polling every few seconds.
  let activity = 0

  const auth = await createAuth(config, {
    onEvent(event) {
      activity++
      for (const [kind, text] of describeCaeEvent(event)) log.add(kind, text)
    },
    onInteraction(event) {
      activity++
      // Nothing to poll while the user signs in: ticks would only queue behind the popup.
      refresher.pause()
      log.add('prompt', `cae-kit opens a ${event.kind} sign-in: the claims need the user`)
      setStatus(
        view,
        'busy',
        'Your session needs a fresh sign-in: complete it in the popup window.',
      )
    },
  })
  logMsalEvents(auth.pca, log)
  const api = createApi(auth.http, config.apiUrl)
  const refresher = createRefresher(config.refreshIntervalMs, () => load(false))
  const identityProvider = new URL(config.authority).origin

  const fail = (what: string, error: unknown) => {
    const wasRefreshing = refresher.active
    refresher.pause()
    const failure = describeFailure(error, identityProvider)
    log.add('outcome', `${what} failed${failure.code ? ` with ${failure.code}` : ''}`, 'failed')
    activity = 0
    // The box shows what happens: unticked while paused, ticked again when the user acts.
    view.autoRefresh.checked = false
    const paused = wasRefreshing
      ? ' Auto-refresh is paused: tick it, or click "Call API", to resume.'
      : ''
    setStatus(view, failure.state, `${failure.message}${paused}`)
    if (failure.state === 'blocked') clearData(view, 'Access blocked: no data.')
  }

  // One load at a time: a click while an auto-refresh waits on a sign-in joins it instead of
  // sending a second round of requests.
  let loading: Promise<void> | undefined
  function load(manual: boolean): Promise<void> {
    loading ??= loadOnce(manual).finally(() => {
      loading = undefined
    })
    return loading
  }

  async function loadOnce(manual: boolean): Promise<void> {
    if (!auth.username()) return
    if (manual) setStatus(view, 'busy', 'Calling the API…')
    try {
      const [profile, messages] = await Promise.all([api.me(), api.messages()])
      renderData(view, profile, messages)
      if (manual || activity > 0) log.add('outcome', 'GET /me and GET /messages succeeded')
      activity = 0
      setStatus(view, 'ok', `Data loaded at ${time()}.`)
      if (manual && config.refreshIntervalMs > 0) view.autoRefresh.checked = true
      refresher.setEnabled(view.autoRefresh.checked)
      refresher.resume()
    } catch (error) {
      fail('GET /me, /messages', error)
    }
  }

  const showAccount = () => setAccount(view, auth.username())

  view.signIn.addEventListener('click', async () => {
    setStatus(view, 'busy', 'Signing in: complete the sign-in in the popup window.')
    try {
      await auth.signIn()
      showAccount()
      await load(true)
    } catch (error) {
      fail('sign-in', error)
    }
  })

  view.signOut.addEventListener('click', async () => {
    refresher.pause()
    await auth.signOut()
    showAccount()
    clearData(view, 'Signed out.')
    setStatus(view, 'info', 'Signed out.')
  })

  view.callApi.addEventListener('click', () => load(true))

  view.autoRefresh.checked = config.refreshIntervalMs > 0
  view.autoRefresh.disabled = config.refreshIntervalMs === 0
  view.refreshLabel.textContent =
    config.refreshIntervalMs > 0
      ? `auto-refresh every ${Math.round(config.refreshIntervalMs / 1000)} s`
      : 'auto-refresh off'
  view.autoRefresh.addEventListener('change', () => {
    refresher.setEnabled(view.autoRefresh.checked)
    if (view.autoRefresh.checked && auth.username()) void load(false)
  })

  view.messageForm.addEventListener('submit', async (submit) => {
    submit.preventDefault()
    const text = view.messageInput.value.trim()
    if (!text) return
    view.postMessage.disabled = true
    setStatus(view, 'busy', 'Posting…')
    try {
      const message = await api.postMessage(text)
      log.add('outcome', `POST /messages succeeded${message?.id ? ` (id ${message.id})` : ''}`)
      activity = 0
      view.messageInput.value = ''
      await load(false)
      setStatus(view, 'ok', `Message posted at ${time()}.`)
    } catch (error) {
      fail('POST /messages', error)
    } finally {
      view.postMessage.disabled = !auth.username()
    }
  })

  const admin = async (op: string, body: Record<string, unknown>, label: string) => {
    try {
      await runAdmin(config.adminUrl, op, body)
      view.adminResult.textContent = `${time()}: ${label} done in the emulator.`
      log.add('info', `emulator admin: ${label}`)
    } catch (error) {
      view.adminResult.textContent = `${label} failed: ${error instanceof Error ? error.message : String(error)}`
    }
  }
  renderAdmin(view, adminActions(config), async (action, button) => {
    button.disabled = true
    await admin(action.op, action.body, action.label)
    button.disabled = false
  })
  view.adminReset.addEventListener('click', () => admin('reset', {}, 'Reset'))
  view.clearLog.addEventListener('click', () => log.clear())

  renderCredentials(view, config)
  showAccount()
  if (auth.username()) {
    await load(true)
  } else {
    setStatus(view, 'info', `Sign in as ${config.demoUser.username} to call the API.`)
  }
}

const view = getView()
setAccount(view, undefined)
loadConfig()
  .then((config) => start(view, config))
  .catch((error: unknown) => {
    setStatus(
      view,
      'error',
      `The app could not start: ${error instanceof Error ? error.message : String(error)}`,
    )
  })
