// @vitest-environment node
/**
 * One prompt across tabs: two fake tabs (two MSAL instances, one Web Lock manager, Node's real
 * BroadcastChannel between them). The waiting tab's MSAL never sees the other tab's new refresh
 * token (the race with localStorage replication): only the hand-off can spare it a second prompt.
 */
import {
  type AccountInfo,
  type AuthenticationResult,
  BrowserAuthError,
  InteractionRequiredAuthError,
} from '@azure/msal-browser'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  alice,
  bob,
  deferred,
  fakeLocks,
  fakePca,
  fakeStorage,
  flush,
  msalResult,
} from '../test/fakes'
import { createHandoff, handoffKey } from './handoff'
import { fromMsalBrowser } from './provider'

const scopes = ['api://cae/.default']
const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
const revoked = () => new InteractionRequiredAuthError('login_required', 'cid')
let app = 0

/** A tab of the app whose silent calls keep failing (its MSAL cache never catches up). */
const tab = (clientId: string, active: AccountInfo = alice) => {
  const pca = { ...fakePca({ active, accounts: [active] }) }
  pca.getConfiguration = () => ({ auth: { clientId, clientCapabilities: ['CP1'] } })
  pca.acquireTokenSilent.mockRejectedValue(revoked())
  return pca
}

/** Tab A prompts (popup held open), tab B queues on the Web Lock behind it. */
const twoTabs = async (bActive: AccountInfo = alice, bClaims = claims) => {
  const clientId = `handoff-${++app}`
  const a = tab(clientId)
  const b = tab(clientId, bActive)
  const popup = deferred<AuthenticationResult>()
  a.acquireTokenPopup.mockReturnValue(popup.promise)
  // Both pages loaded (their providers listening) before the challenges.
  const [providerA, providerB] = [fromMsalBrowser(a), fromMsalBrowser(b)]
  const first = providerA.getToken({ scopes, claims })
  await flush()
  expect(a.acquireTokenPopup).toHaveBeenCalledTimes(1)
  const second = providerB.getToken({ scopes, claims: bClaims }).catch((e: unknown) => e)
  await flush()
  return { a, b, popup, first, second }
}

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  vi.stubGlobal('sessionStorage', fakeStorage())
  vi.stubGlobal('navigator', { locks: fakeLocks() })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('one prompt across tabs', () => {
  it('hands the prompting tab token to the tab that waited for the same account, scopes and claims', async () => {
    const { b, popup, first, second } = await twoTabs()
    popup.resolve(msalResult('from-tab-a'))
    expect((await first).token).toBe('from-tab-a')
    expect(await second).toMatchObject({ token: 'from-tab-a' })
    expect(b.acquireTokenPopup).not.toHaveBeenCalled()
  })

  it('never hands a token to a tab signed in as someone else', async () => {
    const { b, popup, second } = await twoTabs(bob)
    popup.resolve(msalResult('alice-token'))
    expect(await second).toMatchObject({ token: 'popup-token' })
    expect(b.acquireTokenPopup).toHaveBeenCalledTimes(1)
  })

  it('never hands a token to a tab waiting for other claims', async () => {
    const { b, popup, second } = await twoTabs(
      alice,
      '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
    )
    popup.resolve(msalResult('for-nbf-claims'))
    expect(await second).toMatchObject({ token: 'popup-token' })
    expect(b.acquireTokenPopup).toHaveBeenCalledTimes(1)
  })

  it('hands the cancellation: the waiting tab rejects ERR_CAE_INTERACTION_CANCELLED without a popup', async () => {
    const { b, popup, first, second } = await twoTabs()
    popup.reject(new BrowserAuthError('user_cancelled', 'cid'))
    await expect(first).rejects.toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED' })
    expect(await second).toMatchObject({ code: 'ERR_CAE_INTERACTION_CANCELLED' })
    expect(b.acquireTokenPopup).not.toHaveBeenCalled()
  })

  it('lets the waiting tab go on by itself when the prompt failed otherwise', async () => {
    const { b, popup, first, second } = await twoTabs()
    popup.reject(new BrowserAuthError('no_network_connectivity', 'cid'))
    await expect(first).rejects.toMatchObject({ errorCode: 'no_network_connectivity' })
    expect(await second).toMatchObject({ token: 'popup-token' })
    expect(b.acquireTokenPopup).toHaveBeenCalledTimes(1)
  })
})

describe('createHandoff', () => {
  it('waits for an outcome that trails the announcement, up to its bound', async () => {
    const name = `handoff-unit-${++app}`
    const sender = createHandoff(name)
    const receiver = createHandoff(name)
    const key = handoffKey(alice.homeAccountId, scopes, claims) as string
    const since = Date.now()
    sender.announce(key)
    await flush()
    const taken = receiver.take(key, since, 5_000)
    sender.share(key, { token: { token: 't' } })
    expect(await taken).toEqual({ token: { token: 't' } })
    // Nothing announced: nothing to wait for.
    expect(await receiver.take('other', since)).toBeUndefined()
  })

  it('keys by account, sorted unique scopes and claims; no account, no key', () => {
    expect(handoffKey('a', ['y', 'x', 'y'], undefined)).toBe(handoffKey('a', ['x', 'y'], ''))
    expect(handoffKey('a', ['x'], claims)).not.toBe(handoffKey('b', ['x'], claims))
    expect(handoffKey(undefined, ['x'], claims)).toBeUndefined()
  })
})
