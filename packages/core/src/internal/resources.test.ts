// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { findResource, normalizeScopes, resolveResources } from './resources'

const resources = resolveResources([
  { url: 'https://api.test', scopes: ['api://test/.default'] },
  { url: 'https://api.test/v1/', scopes: ['api://v1/.default'] },
  { url: 'https://graph.test/beta', scopes: ['https://graph.test/.default'] },
])
const scopesFor = (url: string) => findResource(resources, url)?.scopes

describe('findResource', () => {
  it('matches a path prefix on segment boundaries only', () => {
    expect(scopesFor('https://graph.test/beta')).toEqual(['https://graph.test/.default'])
    expect(scopesFor('https://graph.test/beta/me?x=1')).toEqual(['https://graph.test/.default'])
    expect(scopesFor('https://graph.test/beta?x=1')).toEqual(['https://graph.test/.default'])
    expect(scopesFor('https://graph.test/betamax')).toBeUndefined()
    expect(scopesFor('https://graph.test/')).toBeUndefined()
  })

  it('prefers the most specific resource', () => {
    expect(scopesFor('https://api.test/v1/me')).toEqual(['api://v1/.default'])
    expect(scopesFor('https://api.test/v10/me')).toEqual(['api://test/.default'])
    expect(scopesFor('https://api.test/')).toEqual(['api://test/.default'])
  })

  it('compares origins as the URL parser normalises them', () => {
    expect(scopesFor('HTTPS://API.TEST:443/v1/me')).toEqual(['api://v1/.default'])
    expect(scopesFor('https://api.test:8443/v1/me')).toBeUndefined()
    expect(scopesFor('http://api.test/v1/me')).toBeUndefined()
    expect(scopesFor('https://api.test.evil.example/v1')).toBeUndefined()
    expect(scopesFor('https://evil.example/https://api.test/v1')).toBeUndefined()
  })

  it('resolves dot segments before matching', () => {
    expect(scopesFor('https://graph.test/beta/../admin')).toBeUndefined()
    expect(scopesFor('https://graph.test/other/../beta/me')).toEqual([
      'https://graph.test/.default',
    ])
  })

  it('returns undefined for a URL that does not parse', () => {
    expect(scopesFor('/relative/without/page')).toBeUndefined()
    expect(scopesFor('http://')).toBeUndefined()
  })

  it('accepts URL objects', () => {
    expect(findResource(resources, new URL('https://api.test/v1'))?.scopes).toEqual([
      'api://v1/.default',
    ])
  })
})

describe('resolveResources', () => {
  it.each([
    ['an empty list', []],
    ['a missing list', undefined],
    ['a relative URL', [{ url: '/v1', scopes: ['s'] }]],
    ['a non-http URL', [{ url: 'ftp://api.test', scopes: ['s'] }]],
    ['a query', [{ url: 'https://api.test/v1?x=1', scopes: ['s'] }]],
    ['an empty query', [{ url: 'https://api.test/v1?', scopes: ['s'] }]],
    ['a fragment', [{ url: 'https://api.test/v1#top', scopes: ['s'] }]],
    ['a URL object', [{ url: new URL('https://api.test/v1'), scopes: ['s'] }]],
    ['credentials', [{ url: 'https://user:pw@api.test', scopes: ['s'] }]],
    ['empty scopes', [{ url: 'https://api.test', scopes: [] }]],
    ['a blank scope', [{ url: 'https://api.test', scopes: [' '] }]],
    [
      'the same URL twice',
      [
        { url: 'https://api.test/v1', scopes: ['a'] },
        { url: 'https://api.test/v1/', scopes: ['b'] },
      ],
    ],
  ])('rejects %s with ERR_CAE_INVALID_OPTIONS', (_, value) => {
    expect(() => resolveResources(value)).toThrow(
      expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }),
    )
  })
})

describe('normalizeScopes', () => {
  it('gives equal keys to equal sets of scopes', () => {
    expect(normalizeScopes(['b', 'a', 'b'])).toBe(normalizeScopes(['a', 'b']))
    expect(normalizeScopes(['a'])).not.toBe(normalizeScopes(['a', 'b']))
  })
})

describe('findResource fast path', () => {
  it('agrees with the URL parser on tricky strings', () => {
    const cases: [string, string[] | undefined][] = [
      ['https://api.test/v1', ['api://v1/.default']],
      ['https://api.test/v1?q=/../x', ['api://v1/.default']],
      ['https://api.test/v1#/../x', ['api://v1/.default']],
      ['https://api.test/v1/%2E%2E/x', ['api://test/.default']],
      ['https://api.test/v1/%2e%2e/x', ['api://test/.default']],
      ['https://api.test/v1/..%2fx', ['api://v1/.default']],
      ['https://api.test/v1\\..\\x', ['api://test/.default']],
      ['https://api.test/v1/\t../x', ['api://test/.default']],
      ['https://api.test/v1/.well-known', ['api://v1/.default']],
      ['https://api.test/v10', ['api://test/.default']],
      ['https://api.test.evil.example/v1', undefined],
      ['https://api.test@evil.example/v1', undefined],
      ['https://api.test:443/v1', ['api://v1/.default']],
    ]
    for (const [url, scopes] of cases) {
      expect([url, scopesFor(url)]).toEqual([url, scopes])
      const parsed = new URL(url)
      expect([url, findResource(resources, parsed)?.scopes]).toEqual([url, scopes])
    }
  })
})
