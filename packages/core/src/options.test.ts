// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { createCaeEngine } from './engine'
import { createCaeFetch } from './fetch'
import { type CaeOptions, DEFAULT_MAX_REPLAY_BODY_BYTES, resolveOptions } from './options'

const tokenProvider = { getToken: async () => ({ token: 't' }) }
const resources = [{ url: 'https://api.test', scopes: ['s'] }]

describe('resolveOptions', () => {
  it('applies defaults', () => {
    expect(resolveOptions({ tokenProvider, resources })).toMatchObject({
      strict: false,
      maxReplayBodyBytes: DEFAULT_MAX_REPLAY_BODY_BYTES,
    })
  })

  it.each([
    ['no options', undefined],
    ['a missing provider', { resources }],
    ['a provider without getToken', { tokenProvider: {}, resources }],
    ['no resources', { tokenProvider }],
    ['a bad resource URL', { tokenProvider, resources: [{ url: 'api.test', scopes: ['s'] }] }],
    ['empty scopes', { tokenProvider, resources: [{ url: 'https://api.test', scopes: [] }] }],
    ['a non-boolean strict', { tokenProvider, resources, strict: 'yes' }],
    ['a non-function onEvent', { tokenProvider, resources, onEvent: 1 }],
    ['a non-object logger', { tokenProvider, resources, logger: 'console' }],
    ['a non-function partitionKey', { tokenProvider, resources, partitionKey: 'user' }],
    ['a negative maxReplayBodyBytes', { tokenProvider, resources, maxReplayBodyBytes: -1 }],
    ['a fractional maxReplayBodyBytes', { tokenProvider, resources, maxReplayBodyBytes: 1.5 }],
  ])('rejects %s with ERR_CAE_INVALID_OPTIONS at setup', (_, options) => {
    expect(() => resolveOptions(options as unknown as CaeOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }),
    )
  })

  it('refuses a caller-scoped provider without partitionKey, so callers never share tokens', () => {
    const callerScoped = { ...tokenProvider, callerScoped: true }
    expect(() => createCaeFetch({ tokenProvider: callerScoped, resources })).toThrow(
      expect.objectContaining({
        code: 'ERR_CAE_INVALID_OPTIONS',
        message: expect.stringContaining('"partitionKey" must be set'),
      }),
    )
    expect(() =>
      createCaeFetch({ tokenProvider: callerScoped, resources, partitionKey: () => 'alice' }),
    ).not.toThrow()
  })

  it('keeps each caller to its own token when the options are a class (partitionKey on the prototype)', async () => {
    let caller = 'alice'
    const provider = {
      callerScoped: true,
      getToken: async () => ({ token: `tok-${caller}`, expiresOn: Date.now() + 3_600_000 }),
    }
    class Options {
      tokenProvider = provider
      resources = [{ url: 'https://api.test', scopes: ['s'] }]
      partitionKey() {
        return caller
      }
    }
    const sent: (string | null)[] = []
    const engine = createCaeEngine(new Options())
    type Result = { status: number; headers: Headers }
    const transport = {
      send: async (authorization: string | undefined): Promise<Result> => {
        sent.push(authorization ?? null)
        return { status: 200, headers: new Headers() }
      },
      status: (result: Result) => result.status,
      headers: (result: Result) => result.headers,
    }
    await engine.execute({ url: 'https://api.test/me' }, transport)
    caller = 'bob'
    await engine.execute({ url: 'https://api.test/me' }, transport)
    expect(sent).toEqual(['Bearer tok-alice', 'Bearer tok-bob'])
  })

  it('rejects a fetch option that is not a function', () => {
    expect(() =>
      createCaeFetch({ tokenProvider, resources, fetch: 'fetch' as unknown as typeof fetch }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }))
  })
})
