// @vitest-environment node
import { expect, it } from 'vitest'
import type { Challenge } from './challenge'
import { parseWwwAuthenticate } from './challenge'
import { encodeClaims } from './claims'
import { CaeOptionsError } from './errors'
import { formatWwwAuthenticate as format } from './format'

function codeOf(run: () => unknown): unknown {
  try {
    run()
  } catch (err) {
    return err instanceof CaeOptionsError ? err.code : err
  }
  return undefined
}

it('writes an Entra claims challenge with every value quoted', () => {
  const claims = encodeClaims('{"access_token":{"nbf":{"essential":true,"value":"1"}}}')
  expect(
    format([{ scheme: 'Bearer', params: { realm: '', error: 'insufficient_claims', claims } }]),
  ).toBe(`Bearer realm="", error="insufficient_claims", claims="${claims}"`)
})

it('escapes quotes and backslashes', () => {
  expect(format([{ scheme: 'x', params: { a: 'say "hi" \\o/' } }])).toBe(
    'x a="say \\"hi\\" \\\\o/"',
  )
})

it('writes schemes without params, token68 and several challenges', () => {
  expect(
    format([
      { scheme: 'Bearer', params: {} },
      { scheme: 'Negotiate', params: {}, token68: 'abc==' },
      { scheme: 'DPoP', params: { algs: 'ES256 PS256' } },
    ]),
  ).toBe('Bearer, Negotiate abc==, DPoP algs="ES256 PS256"')
  expect(format([])).toBe('')
})

it('writes HTAB and Latin-1 text, which a header can carry', () => {
  const challenges: Challenge[] = [{ scheme: 'x', params: { a: 'tab\there café' } }]
  expect(parseWwwAuthenticate(format(challenges))).toStrictEqual(challenges)
})

it('writes a __proto__ param as its own parameter', () => {
  const params: Record<string, string> = {}
  Object.defineProperty(params, '__proto__', { value: 'p', enumerable: true })
  expect(format([{ scheme: 'x', params }])).toBe('x __proto__="p"')
})

it('refuses what would not parse back, with code ERR_CAE_INVALID_OPTIONS', () => {
  const cases: Challenge[] = [
    { scheme: 'Bad Scheme', params: {} },
    { scheme: '', params: {} },
    { scheme: 'x', params: { 'bad name': 'v' } },
    { scheme: 'x', params: {}, token68: 'a=b' },
    { scheme: 'x', params: { a: 'b' }, token68: 'abc' },
  ]
  for (const challenge of cases) {
    expect(
      codeOf(() => format([challenge])),
      JSON.stringify(challenge),
    ).toBe('ERR_CAE_INVALID_OPTIONS')
  }
})

it('refuses values with CR, LF, NUL, DEL or characters above U+00FF', () => {
  for (const value of ['a\r\nSet-Cookie: x=y', 'a\nb', 'a\u0000', 'a\u007f', '🙂', '\u0100']) {
    expect(
      codeOf(() => format([{ scheme: 'x', params: { a: value } }])),
      value,
    ).toBe('ERR_CAE_INVALID_OPTIONS')
  }
})
