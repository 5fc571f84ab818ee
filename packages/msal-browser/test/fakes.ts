/**
 * Small hand-written stand-ins for the browser pieces the unit tests need: an MSAL application
 * (only the methods the provider calls), `sessionStorage`, and a Web Locks `LockManager`.
 */

import { type AccountInfo, type AuthenticationResult, ServerError } from '@azure/msal-browser'
import { vi } from 'vitest'
import type { MsalBrowserClient } from '../src/options'

export const alice: AccountInfo = {
  homeAccountId: 'uid-alice.tid',
  environment: 'localhost',
  tenantId: 'tid',
  username: 'alice@contoso.test',
  localAccountId: 'uid-alice',
}

export const bob: AccountInfo = {
  ...alice,
  homeAccountId: 'uid-bob.tid',
  username: 'bob@contoso.test',
}

/** An MSAL result carrying `accessToken`, expiring at `expiresOn` (epoch ms). */
export const msalResult = (
  accessToken: string,
  extra: Partial<AuthenticationResult> = {},
): AuthenticationResult => ({
  authority: 'https://localhost/tid',
  uniqueId: 'uid-alice',
  tenantId: 'tid',
  scopes: ['api://cae/.default'],
  account: alice,
  idToken: '',
  idTokenClaims: {},
  accessToken,
  fromCache: false,
  expiresOn: new Date(1_900_000_000_000),
  tokenType: 'Bearer',
  correlationId: '',
  ...extra,
})

/** A fake application: every method is a `vi.fn`; the defaults succeed. */
export const fakePca = (
  options: { capabilities?: string[]; accounts?: AccountInfo[]; active?: AccountInfo | null } = {},
) => {
  const accounts = options.accounts ?? [alice]
  return {
    acquireTokenSilent: vi.fn(async (_request: unknown) => msalResult('silent-token')),
    acquireTokenPopup: vi.fn(async (_request: unknown) => msalResult('popup-token')),
    acquireTokenRedirect: vi.fn(async (_request: unknown) => undefined),
    handleRedirectPromise: vi.fn(async (): Promise<AuthenticationResult | null> => null),
    getActiveAccount: vi.fn(() => (options.active === undefined ? alice : options.active)),
    getAllAccounts: vi.fn(() => accounts),
    getConfiguration: () => ({
      auth: { clientId: 'spa-client', clientCapabilities: options.capabilities ?? ['CP1'] },
    }),
  } satisfies MsalBrowserClient & Record<string, unknown>
}

/** A Map-backed `Storage`, installed as `sessionStorage` with `vi.stubGlobal`. */
export const fakeStorage = (): Storage => {
  const items = new Map<string, string>()
  return {
    get length() {
      return items.size
    },
    key: (index) => [...items.keys()][index] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
  }
}

/**
 * A `LockManager` shared by several fake "tabs": exclusive locks granted in request order, with
 * `ifAvailable` and `signal`, like the Web Locks API.
 */
export const fakeLocks = () => {
  const held = new Set<string>()
  const queues = new Map<string, Array<() => void>>()
  const release = (name: string) => {
    const next = queues.get(name)?.shift()
    if (next) next()
    else held.delete(name)
  }
  const request = async (
    name: string,
    ...args: [(lock: Lock | null) => unknown] | [LockOptions, (lock: Lock | null) => unknown]
  ): Promise<unknown> => {
    const [options, callback] = args.length === 1 ? [{}, args[0]] : args
    if (held.has(name)) {
      if (options.ifAvailable) return callback(null)
      await new Promise<void>((resolve) => queues.set(name, [...(queues.get(name) ?? []), resolve]))
    }
    held.add(name)
    try {
      return await callback({ name, mode: 'exclusive' })
    } finally {
      release(name)
    }
  }
  return { request, isHeld: (name: string) => held.has(name) } as unknown as LockManager & {
    isHeld(name: string): boolean
  }
}

/**
 * A `ServerError` as the installed MSAL builds one from a token response. The constructor took
 * `(errorCode, errorMessage, subError, errorNo)` in msal-browser 5.0.2 (msal-common 16.0.2) and
 * takes a `correlationId` second in later 5.x; the peer range spans both.
 */
export const serverError = (errorCode: string, errorMessage = '', errorNo = ''): ServerError => {
  const Ctor = ServerError as unknown as new (...args: string[]) => ServerError
  return ServerError.length >= 6
    ? new Ctor(errorCode, 'cid', errorMessage, '', errorNo)
    : new Ctor(errorCode, errorMessage, '', errorNo)
}

/** A promise with its resolve/reject exposed, to hold a fake MSAL call open. */
export const deferred = <T>() => {
  let resolve!: (value: T) => void
  let reject!: (reason: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Lets every pending promise callback run. */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
