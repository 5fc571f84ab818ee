/** Shared setup for handler-level tests: an emulator behind msw on https://login.test. */
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { createEmulator } from '../src/emulator'
import { emulatorHandlers } from '../src/msw'
import type { Emulator, EmulatorOptions } from '../src/types'
import { type CookieJar, signIn } from './sign-in'

export const BASE = 'https://login.test'
export const SPA = '5ba00000-0000-4000-8000-000000000001'
export const SPA_REDIRECT = 'http://localhost:5173/redirect'
export const CP1 = '{"access_token":{"xms_cc":{"values":["CP1"]}}}'
export const ALICE = { username: 'alice@contoso.test', password: 'alice-password' }

/** Creates an emulator served by msw for the file; reset before each test. */
export function useEmulator(options?: EmulatorOptions): Emulator {
  const emulator = createEmulator(options)
  const server = setupServer(...emulatorHandlers(emulator, { baseUrl: BASE }))
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterAll(() => server.close())
  beforeEach(() => emulator.admin.reset())
  return emulator
}

export const authority = (emulator: Emulator) => `${BASE}/${emulator.tenantId}`

// A fixed PKCE pair: verifier of 43 chars and its S256 challenge.
export const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
export const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

/** An SPA authorize URL (fragment mode, PKCE) with optional overrides. */
export function authorizeUrl(
  emulator: Emulator,
  params: Record<string, string | null> = {},
): string {
  const values: Record<string, string | null> = {
    client_id: SPA,
    response_type: 'code',
    response_mode: 'fragment',
    redirect_uri: SPA_REDIRECT,
    scope: `${emulator.apiScopes.delegated.join(' ')} openid profile offline_access`,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: 'st',
    nonce: 'no',
    ...params,
  }
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(values)) if (value !== null) query.set(key, value)
  return `${authority(emulator)}/oauth2/v2.0/authorize?${query}`
}

/** POSTs a form to the token endpoint. */
export function tokenRequest(emulator: Emulator, form: Record<string, string>) {
  return fetch(`${authority(emulator)}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams(form),
  })
}

/** Signs in on the page and redeems the code like msal-browser (claims sent on both legs). */
export async function spaSignIn(
  emulator: Emulator,
  options: { claims?: string; mfa?: string; jar?: CookieJar } = {},
): Promise<Record<string, string>> {
  const claims = options.claims ?? CP1
  const page = await signIn(
    fetch,
    authorizeUrl(emulator, { claims }),
    { ...ALICE, ...(options.mfa === undefined ? {} : { mfa: options.mfa }) },
    options.jar,
  )
  const response = await tokenRequest(emulator, {
    client_id: SPA,
    grant_type: 'authorization_code',
    code: page.params.get('code') ?? '',
    redirect_uri: SPA_REDIRECT,
    code_verifier: VERIFIER,
    scope: `${emulator.apiScopes.delegated.join(' ')} openid profile offline_access`,
    claims,
  })
  if (response.status !== 200) throw new Error(`code redemption failed: ${await response.text()}`)
  return (await response.json()) as Record<string, string>
}

/** Refreshes like msal-browser. */
export function refresh(emulator: Emulator, refreshToken: string, claims = CP1) {
  return tokenRequest(emulator, {
    client_id: SPA,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    scope: `${emulator.apiScopes.delegated.join(' ')} openid profile offline_access`,
    claims,
  })
}

/** GET on the API with a bearer token. */
export function api(path: string, token?: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers)
  if (token) headers.set('authorization', `Bearer ${token}`)
  return fetch(`${BASE}/api${path}`, { ...init, headers })
}
