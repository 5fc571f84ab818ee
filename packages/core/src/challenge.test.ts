// @vitest-environment node
import { expect, it } from 'vitest'
import { DEFAULT_MAX_HEADER_LENGTH, ELEMENT, parseWwwAuthenticate as parse } from './challenge'
import { LOOSE, QUOTED, T68, TCHAR, WS } from './internal/http-grammar'

it('parses a Bearer challenge with quoted params (RFC 6750 §3)', () => {
  expect(parse('Bearer realm="example", error="invalid_token"')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'example', error: 'invalid_token' } },
  ])
})

it('omits token68 when the challenge has none', () => {
  const [challenge] = parse('Bearer realm="example"')
  expect(challenge && 'token68' in challenge).toBe(false)
})

it('parses the RFC 9110 §11.6.1 Newauth example with an escaped quote', () => {
  expect(
    parse('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"'),
  ).toStrictEqual([
    { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
    { scheme: 'basic', params: { realm: 'simple' } },
  ])
})

it('parses Basic with charset (RFC 7617 §2.1)', () => {
  expect(parse('Basic realm="foo", charset="UTF-8"')).toStrictEqual([
    { scheme: 'basic', params: { realm: 'foo', charset: 'UTF-8' } },
  ])
})

it('keeps commas inside a quoted qop list and reads the challenge after it', () => {
  const header =
    'Digest realm="http-auth@example.org", qop="auth,auth-int", algorithm=SHA-256, ' +
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", Bearer realm="api"'
  expect(parse(header)).toStrictEqual([
    {
      scheme: 'digest',
      params: {
        realm: 'http-auth@example.org',
        qop: 'auth,auth-int',
        algorithm: 'SHA-256',
        nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      },
    },
    { scheme: 'bearer', params: { realm: 'api' } },
  ])
})

it('parses a PoP challenge before a Bearer challenge', () => {
  expect(parse('PoP nonce="abc", Bearer error="insufficient_claims"')).toStrictEqual([
    { scheme: 'pop', params: { nonce: 'abc' } },
    { scheme: 'bearer', params: { error: 'insufficient_claims' } },
  ])
})

it('keeps two Bearer challenges apart', () => {
  expect(parse('Bearer realm="a", error="invalid_token", Bearer realm="b"')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'a', error: 'invalid_token' } },
    { scheme: 'bearer', params: { realm: 'b' } },
  ])
})

it('reads token68 after the scheme (Negotiate, Basic)', () => {
  expect(parse('Negotiate abc==')).toStrictEqual([
    { scheme: 'negotiate', params: {}, token68: 'abc==' },
  ])
  expect(parse('Basic dGVzdA==, Bearer realm="x"')).toStrictEqual([
    { scheme: 'basic', params: {}, token68: 'dGVzdA==' },
    { scheme: 'bearer', params: { realm: 'x' } },
  ])
  expect(parse('Foo a+b/c-d._~')).toStrictEqual([
    { scheme: 'foo', params: {}, token68: 'a+b/c-d._~' },
  ])
})

it('drops params that follow a token68, which the grammar forbids', () => {
  expect(parse('Basic dGVzdA==, realm="x"')).toStrictEqual([
    { scheme: 'basic', params: {}, token68: 'dGVzdA==' },
  ])
})

it('reads a param, not a token68, when a value follows the equals sign', () => {
  expect(parse('Foo abc=def')).toStrictEqual([{ scheme: 'foo', params: { abc: 'def' } }])
})

it('lowercases scheme and param names but keeps values as sent', () => {
  expect(parse('BEARER Realm="MiXeD", ERROR=Invalid_Token')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'MiXeD', error: 'Invalid_Token' } },
  ])
})

it('accepts whitespace around equals signs and commas, and empty list elements', () => {
  expect(parse(' , ,Bearer  realm =\t"x" ,, ,error= y , ')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'x', error: 'y' } },
  ])
})

it('reads a scheme without params followed by another challenge (RFC 9449 §7.2)', () => {
  expect(parse('Bearer, DPoP algs="ES256"')).toStrictEqual([
    { scheme: 'bearer', params: {} },
    { scheme: 'dpop', params: { algs: 'ES256' } },
  ])
})

it('unescapes backslashes in quoted strings', () => {
  expect(parse('X a="back\\\\slash \\"q\\" \\x"')).toStrictEqual([
    { scheme: 'x', params: { a: 'back\\slash "q" x' } },
  ])
})

it('keeps an empty quoted value', () => {
  expect(parse('Bearer realm=""')).toStrictEqual([{ scheme: 'bearer', params: { realm: '' } }])
})

it('reads Graph-style unquoted values with slashes and colons up to the comma', () => {
  const header =
    'Bearer realm="", authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, ' +
    'client_id=00000003-0000-0000-c000-000000000000'
  expect(parse(header)).toStrictEqual([
    {
      scheme: 'bearer',
      params: {
        realm: '',
        authorization_uri: 'https://login.microsoftonline.com/common/oauth2/authorize',
        client_id: '00000003-0000-0000-c000-000000000000',
      },
    },
  ])
})

it('reads an unquoted padded base64 value whole', () => {
  expect(parse('Bearer error=insufficient_claims, claims=eyJhIjoxfQ==')).toStrictEqual([
    { scheme: 'bearer', params: { error: 'insufficient_claims', claims: 'eyJhIjoxfQ==' } },
  ])
})

it('reads Key Vault style params', () => {
  expect(
    parse('Bearer authorization="https://login.windows.net/t", resource="https://vault.azure.net"'),
  ).toStrictEqual([
    {
      scheme: 'bearer',
      params: { authorization: 'https://login.windows.net/t', resource: 'https://vault.azure.net' },
    },
  ])
})

it('accepts params separated by spaces instead of commas', () => {
  expect(parse('Bearer realm="x" error="insufficient_claims" claims=eyJ9')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'x', error: 'insufficient_claims', claims: 'eyJ9' } },
  ])
})

it('starts a new challenge at a token followed by a param after a space', () => {
  expect(parse('Bearer realm="x" DPoP algs="ES256"')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'x' } },
    { scheme: 'dpop', params: { algs: 'ES256' } },
  ])
})

it('starts a new challenge at a lone token at the end or before a comma', () => {
  expect(parse('Bearer realm="x" Newauth')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'x' } },
    { scheme: 'newauth', params: {} },
  ])
  expect(parse('Bearer realm="x" Negotiate abc==, Basic')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'x' } },
    { scheme: 'negotiate', params: {}, token68: 'abc==' },
    { scheme: 'basic', params: {} },
  ])
})

it('drops a stray token that cannot start a challenge, up to the next comma', () => {
  expect(parse('Bearer realm="x" junk "y=z", error="e"')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'x', error: 'e' } },
  ])
  expect(parse('Foo bar baz, Qux')).toStrictEqual([{ scheme: 'qux', params: {} }])
})

it('joins folded lines (CRLF followed by SP or HTAB)', () => {
  expect(parse('Bearer realm="x",\r\n error="y",\r\n\tclaims="a\r\n b"')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'x', error: 'y', claims: 'a b' } },
  ])
})

it('drops an unterminated quoted param and parses nothing after it', () => {
  expect(parse('Bearer error="insufficient_claims", claims="eyJhIjoxfQ')).toStrictEqual([
    { scheme: 'bearer', params: { error: 'insufficient_claims' } },
  ])
  expect(parse('Bearer realm="abc\\')).toStrictEqual([{ scheme: 'bearer', params: {} }])
})

it('never lets a broken quote turn quoted text into params', () => {
  // realm's quote closes at `error="`: what follows is garbage, not an error param.
  expect(parse('Bearer realm="x, error="insufficient_claims", claims="eyJ9"')).toStrictEqual([
    { scheme: 'bearer', params: {} },
  ])
})

it('drops a value followed by anything but a separator', () => {
  expect(parse('Bearer a=b"c", realm="x"junk, d=e')).toStrictEqual([
    { scheme: 'bearer', params: { d: 'e' } },
  ])
})

it('drops a param without a value', () => {
  expect(parse('Bearer error="e", realm=, x=')).toStrictEqual([
    { scheme: 'bearer', params: { error: 'e' } },
  ])
})

it('reads `name=` right after the scheme as the token68 the grammar says it is', () => {
  expect(parse('Bearer realm=, error="e"')).toStrictEqual([
    { scheme: 'bearer', params: {}, token68: 'realm=' },
  ])
})

it('drops params that come before any scheme', () => {
  expect(parse('realm="x", Bearer error="y"')).toStrictEqual([
    { scheme: 'bearer', params: { error: 'y' } },
  ])
})

it('skips garbage up to the next comma and keeps later params', () => {
  expect(parse('Bearer realm="x", @@ "a,b" ;;, error="y", =z, "q"')).toStrictEqual([
    { scheme: 'bearer', params: { realm: 'x', error: 'y' } },
  ])
})

it('keeps non-ASCII text in quoted values and drops it in unquoted ones', () => {
  expect(parse('X a="café ☕", b=café, c=ok')).toStrictEqual([
    { scheme: 'x', params: { a: 'café ☕', c: 'ok' } },
  ])
})

it('keeps the first value of a repeated param, names compared case-insensitively', () => {
  expect(parse('Bearer error="first", ERROR="second", error=third')).toStrictEqual([
    { scheme: 'bearer', params: { error: 'first' } },
  ])
})

it('keeps the first of a repeated name in each challenge, not across challenges', () => {
  expect(
    parse('Bearer claims="a", Claims="b", CLAIMS=c, DPoP claims="d", claims="e"'),
  ).toStrictEqual([
    { scheme: 'bearer', params: { claims: 'a' } },
    { scheme: 'dpop', params: { claims: 'd' } },
  ])
})

it('stores a name as an own property when a polluted prototype has it as an accessor', () => {
  let set = 0
  Object.defineProperty(Object.prototype, 'claims', {
    get: () => 'polluted',
    set: () => {
      set++
    },
    configurable: true,
  })
  try {
    const [challenge] = parse('Bearer claims="c", error="e"')
    expect(Object.getOwnPropertyDescriptor(challenge?.params, 'claims')?.value).toBe('c')
    expect(Object.keys(challenge?.params ?? {})).toStrictEqual(['claims', 'error'])
    expect(set).toBe(0)
  } finally {
    delete (Object.prototype as { claims?: string }).claims
  }
})

it('stores prototype-named params as own properties without touching any prototype', () => {
  const [challenge] = parse('X __proto__="p", constructor="c", __proto__="q", CONSTRUCTOR=d')
  const params = challenge?.params ?? {}
  expect(Object.getPrototypeOf(params)).toBe(Object.prototype)
  expect(Object.keys(params)).toStrictEqual(['__proto__', 'constructor'])
  expect(Object.getOwnPropertyDescriptor(params, '__proto__')?.value).toBe('p')
  expect(params).toStrictEqual({ ['__proto__']: 'p', constructor: 'c' })
  expect(Object.getPrototypeOf({})).toBe(Object.prototype)
})

it('returns [] for empty, blank and separator-only values', () => {
  for (const value of ['', '   ', ',,,', ' , \t, ']) expect(parse(value)).toStrictEqual([])
})

it('never throws on NUL, lone surrogates and non-string input', () => {
  expect(parse('Bearer a="\u0000\ud800", \udc00, b=\u0000')).toStrictEqual([
    { scheme: 'bearer', params: { a: '\u0000\ud800' } },
  ])
  expect(parse(undefined as unknown as string)).toStrictEqual([])
  expect(parse(42 as unknown as string, null as unknown as undefined)).toStrictEqual([])
})

it('returns [] for a value over maxLength without reading it', () => {
  const value = `Bearer realm="${'x'.repeat(DEFAULT_MAX_HEADER_LENGTH)}"`
  expect(DEFAULT_MAX_HEADER_LENGTH).toBe(16 * 1024)
  expect(parse(value)).toStrictEqual([])
  expect(parse(value, { maxLength: value.length })).toHaveLength(1)
  expect(parse('Bearer realm="x"', { maxLength: 5 })).toStrictEqual([])
})

it('returns [] for a value over 1 MiB whatever maxLength says', () => {
  const value = `Bearer realm="${'x'.repeat(1024 * 1024)}"`
  expect(parse(value, { maxLength: Number.POSITIVE_INFINITY })).toStrictEqual([])
})

it('parses 1 MiB of quoted-strings without running out of regular-expression stack', () => {
  const value = `Bearer a=${'""'.repeat(512 * 1024 - 5)}`
  expect(value.length).toBeLessThanOrEqual(1024 * 1024)
  expect(parse(value, { maxLength: Number.POSITIVE_INFINITY })).toStrictEqual([
    { scheme: 'bearer', params: {} },
  ])
})

it('parses a value of exactly the default maxLength', () => {
  const head = 'Bearer realm="'
  const value = `${head}${'x'.repeat(DEFAULT_MAX_HEADER_LENGTH - head.length - 1)}"`
  expect(value).toHaveLength(DEFAULT_MAX_HEADER_LENGTH)
  expect(parse(value)).toHaveLength(1)
})

it('reads list elements with the expression composed from the grammar in http-grammar', () => {
  // The parser's expression is a literal (smaller bundles); this is how it reads, piece by piece.
  const composed = new RegExp(
    `[ \\t\\r\\n,]*(?:(${TCHAR}+)(?:` +
      `${WS}*(?:=${WS}*` +
      `(?:"([^"\\\\\\r\\n]*)"|"(${QUOTED})"|(${TCHAR}${LOOSE}*))(?=${WS}|,|$)` +
      `|(?=,|$))` +
      `|${WS}+(?:(${T68}+=*)${WS}*(?=,|$)|(?=${TCHAR}+${WS}*=))` +
      `)|[^",]*(?:"${QUOTED}"[^",]*)*)`,
    'y',
  )
  expect(ELEMENT.source).toBe(composed.source)
  expect(ELEMENT.flags).toBe('y')
})
