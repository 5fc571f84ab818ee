/**
 * Test page: MSAL browser + axios + @cae-kit/axios + @cae-kit/msal-browser against the emulator,
 * bundled from source. Exposes `window.cae` (see ./api.ts).
 */

import { PublicClientApplication } from '@azure/msal-browser'
import { attachCae } from '@cae-kit/axios'
import { fromMsalBrowser, isCaeError, resumeAfterRedirect } from '@cae-kit/msal-browser'
import axios, { type AxiosInstance, type AxiosResponse } from 'axios'
import type { CaeTestApi, Outcome, PageConfig, ProviderSettings, ResumeReport } from './api'

declare const __CAE_TEST__: PageConfig
const config = __CAE_TEST__

const msalConfig = (clientCapabilities: string[]) => ({
  auth: {
    clientId: config.clientId,
    authority: config.authority,
    knownAuthorities: [config.knownAuthority],
    redirectUri: config.redirectUri,
    clientCapabilities,
  },
  // Shared by the tabs of the origin: a tab that waited for another tab's prompt finds the new
  // refresh token here.
  cache: { cacheLocation: 'localStorage' },
})

// Remembers the windows MSAL opens, so a test can show what polling `popup.closed` would see.
let lastOpened: Window | null = null
const open = window.open.bind(window)
window.open = (...args) => {
  lastOpened = open(...args)
  return lastOpened
}

const pca = new PublicClientApplication(msalConfig(['CP1']))
const interactions: CaeTestApi['interactions'] = []
let api: AxiosInstance = axios.create()
let detach = () => {}

function configure(settings: ProviderSettings): void {
  detach()
  api = axios.create({ baseURL: config.apiUrl })
  const tokenProvider = fromMsalBrowser(pca, {
    ...settings,
    onInteraction: ({ kind, claims }) => {
      interactions.push({ kind, claims: claims !== undefined })
    },
  })
  detach = attachCae(api, {
    tokenProvider,
    resources: [{ url: config.apiUrl, scopes: config.scopes }],
  })
}

function describeError(error: unknown): Outcome {
  const e = error as {
    name?: string
    code?: string
    cause?: { errorCode?: string }
    response?: { status?: number }
    claims?: string
  }
  const outcome: Outcome = { ok: false, name: String(e?.name) }
  if (typeof e?.code === 'string') outcome.code = e.code
  if (isCaeError(error) && typeof e.cause?.errorCode === 'string')
    outcome.causeCode = e.cause.errorCode
  if (typeof e?.response?.status === 'number') outcome.status = e.response.status
  if (typeof e?.claims === 'string') outcome.claims = e.claims
  return outcome
}

async function settle(promise: Promise<AxiosResponse>): Promise<Outcome> {
  try {
    const response = await promise
    return { ok: true, status: response.status, data: response.data }
  } catch (error) {
    return describeError(error)
  }
}

const ready = (async (): Promise<ResumeReport> => {
  await pca.initialize()
  configure({})
  // Once, at startup, before any API call: completes a sign-in redirect and replays what waited.
  const resume = await resumeAfterRedirect(pca, {
    resources: [{ url: config.apiUrl }],
    replay: (pending) =>
      api.request({
        method: pending.method,
        url: pending.url,
        headers: pending.headers,
        ...(pending.body !== undefined && { data: pending.body }),
      }),
  })
  if (resume.result?.account) pca.setActiveAccount(resume.result.account)
  const report: ResumeReport = {
    redirected: resume.result !== null,
    pending: resume.pending.map(({ method, url, body }) => ({
      method,
      url,
      ...(body !== undefined && { body }),
    })),
    replays: await Promise.all(
      resume.replays.map((replay) =>
        replay.status === 'fulfilled'
          ? settle(Promise.resolve(replay.value))
          : describeError(replay.reason),
      ),
    ),
  }
  if (resume.result?.account) report.username = resume.result.account.username
  document.getElementById('status')?.replaceChildren('ready')
  return report
})()

window.cae = {
  ready,
  interactions,
  configure,
  async signIn() {
    const result = await pca.loginPopup({ scopes: config.scopes })
    pca.setActiveAccount(result.account)
    return result.account.username
  },
  call: (calls) =>
    Promise.all(
      calls.map((call) =>
        settle(api.request({ method: call.method, url: call.path, data: call.body })),
      ),
    ),
  popupLooksClosed: () => lastOpened?.closed === true,
  async createProviderWithCapabilities(capabilities) {
    const other = new PublicClientApplication(msalConfig(capabilities))
    await other.initialize()
    fromMsalBrowser(other)
  },
}
