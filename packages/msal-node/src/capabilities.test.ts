// @vitest-environment node
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readClientCapabilities } from './capabilities'
import { fromMsalNode } from './from-msal-node'

const authority = 'https://localhost:8443/00000000-0000-0000-0000-000000000001'

function cca(clientCapabilities?: string[]) {
  return new ConfidentialClientApplication({
    auth: {
      clientId: 'daemon',
      clientSecret: 'secret',
      authority,
      knownAuthorities: ['localhost:8443'],
      ...(clientCapabilities ? { clientCapabilities } : {}),
    },
  })
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('CP1 capability check', () => {
  it('reads clientCapabilities from a real msal application', () => {
    expect(readClientCapabilities(cca(['CP1']))).toEqual(['CP1'])
    expect(readClientCapabilities(cca())).toEqual([])
    const pca = new PublicClientApplication({
      auth: {
        clientId: 'spa',
        authority,
        knownAuthorities: ['localhost:8443'],
        clientCapabilities: ['CP1'],
      },
    })
    expect(readClientCapabilities(pca)).toEqual(['CP1'])
  })

  it('stays quiet when the application declares CP1', () => {
    const warn = vi.fn()
    fromMsalNode(cca(['CP1']), { flow: 'clientCredentials', logger: { warn } })
    expect(warn).not.toHaveBeenCalled()
  })

  it('warns once through the logger when CP1 is missing', () => {
    const warn = vi.fn()
    fromMsalNode(cca(['CP2']), { flow: 'clientCredentials', logger: { warn } })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).toContain('CP1')
  })

  it('warns through console.warn when no logger is given', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    fromMsalNode(cca(), { flow: 'clientCredentials' })
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('throws ERR_CAE_CAPABILITY_MISSING with requireCapability when CP1 is missing', () => {
    expect(() =>
      fromMsalNode(cca(), { flow: 'clientCredentials', requireCapability: true }),
    ).toThrow(
      expect.objectContaining({ name: 'CaeOptionsError', code: 'ERR_CAE_CAPABILITY_MISSING' }),
    )
    expect(() =>
      fromMsalNode(cca(['CP1']), { flow: 'clientCredentials', requireCapability: true }),
    ).not.toThrow()
  })

  it('does not warn about an application whose configuration cannot be read, unless CP1 is required', () => {
    const warn = vi.fn()
    const wrapper = { acquireTokenByClientCredential: async () => null }
    fromMsalNode(wrapper, { flow: 'clientCredentials', logger: { warn } })
    expect(warn).not.toHaveBeenCalled()
    expect(() =>
      fromMsalNode(wrapper, { flow: 'clientCredentials', requireCapability: true }),
    ).toThrow(
      expect.objectContaining({ name: 'CaeOptionsError', code: 'ERR_CAE_CAPABILITY_MISSING' }),
    )
  })
})
