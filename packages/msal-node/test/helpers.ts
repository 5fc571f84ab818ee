/** Integration helpers: real MSAL apps wired to a running emulator, and a browserless sign-in. */
import {
  type AuthenticationResult,
  ConfidentialClientApplication,
  CryptoProvider,
  PublicClientApplication,
} from '@azure/msal-node'
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '@cae-kit/emulator'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'

/** Loopback redirect URI: the emulator accepts any `http://localhost:<port>/...` for every client. */
export const REDIRECT_URI = 'http://localhost:3000/auth/callback'

/**
 * Starts one HTTPS emulator for the test file, resets it (seeds, logs, faults) before each test and
 * closes it after the last. Entra's loop detection is on in every test, and a test fails when any
 * token request was refused as a loop (AADSTS50196): no cae-kit flow may look like one.
 * Returns a getter: the emulator exists only once `beforeAll` ran.
 */
export function useEmulator(options: StartEmulatorOptions = {}): () => RunningEmulator {
  let idp: RunningEmulator | undefined
  beforeAll(async () => {
    idp = await startEmulator({ port: 0, ...options })
  })
  afterAll(async () => {
    await idp?.close()
  })
  beforeEach(() => {
    idp?.admin.reset()
    idp?.admin.detectLoops(true)
  })
  afterEach(() => {
    const loops = idp?.admin.tokenRequests().filter((r) => r.errorCode === 50196) ?? []
    expect(loops, 'token requests refused as a loop (AADSTS50196)').toEqual([])
  })
  return () => {
    if (idp === undefined) throw new Error('the emulator is not started yet: call it inside a test')
    return idp
  }
}

export const ALICE = { username: 'alice@contoso.test', password: 'alice-password' }
export const BOB = { username: 'bob@contoso.test', password: 'bob-password' }

/** A confidential client against the emulator, trusting its certificate through `networkClient`. */
export function confidentialApp(
  idp: RunningEmulator,
  credentials: { clientId: string; clientSecret: string },
  clientCapabilities: string[] = ['CP1'],
): ConfidentialClientApplication {
  return new ConfidentialClientApplication(
    idp.msalNodeConfig({ ...credentials, clientCapabilities }),
  )
}

/** A public client against the emulator (msal-node still ships PublicClientApplication in 7.x). */
export function publicApp(idp: RunningEmulator, clientId: string): PublicClientApplication {
  return new PublicClientApplication(idp.msalNodeConfig({ clientId, clientSecret: null }))
}

function formField(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]
}

/**
 * The interactive sign-in without a browser: MSAL builds the authorize URL (PKCE), the user
 * submits the emulator's sign-in page, MSAL redeems the code. Fills username and password only.
 */
export async function signIn(
  idp: RunningEmulator,
  app: ConfidentialClientApplication | PublicClientApplication,
  scopes: string[],
  user = ALICE,
): Promise<AuthenticationResult> {
  const pkce = await new CryptoProvider().generatePkceCodes()
  const url = await app.getAuthCodeUrl({
    scopes,
    redirectUri: REDIRECT_URI,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
  })
  const page = await idp.fetch(url, { redirect: 'manual' })
  const html = await page.text()
  const pending = formField(html, 'pending')
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
  if (pending === undefined || action === undefined) {
    throw new Error(`no sign-in form (status ${page.status}): ${html.slice(0, 300)}`)
  }
  const submitted = await idp.fetch(new URL(action, url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ pending, username: user.username, password: user.password }),
  })
  const location = submitted.headers.get('location')
  const code = location === null ? null : new URL(location).searchParams.get('code')
  if (code === null) throw new Error(`sign-in did not return a code (status ${submitted.status})`)
  return app.acquireTokenByCode({
    scopes,
    redirectUri: REDIRECT_URI,
    code,
    codeVerifier: pkce.verifier,
  })
}

/** Resolves with the rejection of `promise`; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`)
    },
    (error: unknown) => error,
  )
}
