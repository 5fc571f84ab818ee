// @vitest-environment node
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { decodeClaims, encodeClaims, getClaimsChallenge } from './claims'
import { ClaimsDecodeError } from './errors'
import type { HeadersLike } from './headers'

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64')
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url')
const res = (header: string | string[], status = 401) => ({
  status,
  headers: { 'www-authenticate': header } as HeadersLike,
})
const NBF = '{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}'
const IP =
  '{"access_token":{"nbf":{"essential":true,"value":"1700000000"},"xms_rp_ipaddr":{"value":"203.0.113.7"}}}'

function codeOf(run: () => unknown): unknown {
  try {
    run()
  } catch (err) {
    return err instanceof ClaimsDecodeError ? err.code : err
  }
  return undefined
}

it('decodes padded standard base64 to the text unchanged', () => {
  expect(decodeClaims(b64(NBF))).toBe(NBF)
})

it('decodes base64url without padding', () => {
  const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1?>"}}}'
  expect(b64url(claims)).toMatch(/[-_]/)
  expect(b64url(claims)).not.toMatch(/=$/)
  expect(decodeClaims(b64url(claims))).toBe(claims)
})

it('decodes UTF-8 claims with non-ASCII characters', () => {
  const claims = '{"access_token":{"given_name":{"value":"é"},"mood":{"value":"🙂"}}}'
  expect(decodeClaims(b64(claims))).toBe(claims)
  expect(decodeClaims(b64url(claims))).toBe(claims)
})

it('accepts a raw JSON object value as is, trimmed', () => {
  expect(decodeClaims('  {"access_token":{}} ')).toBe('{"access_token":{}}')
})

it('keeps key order and whitespace instead of re-serialising', () => {
  const claims = '{ "b" : 1,\n "a" : {"x":[1, 2]} }'
  expect(decodeClaims(b64(claims))).toBe(claims)
})

it('throws ERR_CAE_CLAIMS_INVALID for bad base64', () => {
  for (const value of ['', 'e', 'eyJ*', 'ey J9', 'eyJhIjoxfQ===', `${b64(NBF)}x`, '+/-_']) {
    expect(
      codeOf(() => decodeClaims(value)),
      value,
    ).toBe('ERR_CAE_CLAIMS_INVALID')
  }
})

it('throws ERR_CAE_CLAIMS_INVALID for bytes that are not UTF-8', () => {
  const latin1 = Buffer.from('{"a":"\u00e9"}', 'latin1').toString('base64')
  expect(codeOf(() => decodeClaims(latin1))).toBe('ERR_CAE_CLAIMS_INVALID')
})

it('throws ERR_CAE_CLAIMS_INVALID unless the JSON is an object', () => {
  for (const json of ['[{"a":1}]', 'null', '1', '"x"', 'true', '{"a":', '{bad}', 'not json']) {
    expect(
      codeOf(() => decodeClaims(b64(json))),
      json,
    ).toBe('ERR_CAE_CLAIMS_INVALID')
  }
  expect(codeOf(() => decodeClaims('{"a":'))).toBe('ERR_CAE_CLAIMS_INVALID')
})

it('encodes padded standard base64 of UTF-8 that decodes back', () => {
  const claims = '{"access_token":{"acrs":{"essential":true,"value":"é🙂"}}}'
  expect(encodeClaims(claims)).toBe(b64(claims))
  expect(decodeClaims(encodeClaims(claims))).toBe(claims)
})

it('decodes every base64 variant of random JSON objects identically', () => {
  const objects = fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue())
  fc.assert(
    fc.property(objects, (object) => {
      const json = JSON.stringify(object)
      const padded = b64(json)
      const url = b64url(json)
      for (const variant of [
        padded,
        padded.replace(/=+$/, ''),
        url,
        `${url}${'='.repeat((4 - (url.length % 4)) % 4)}`,
        json,
      ]) {
        expect(decodeClaims(variant)).toBe(json)
      }
    }),
    { numRuns: 300 },
  )
})

it('finds the canonical Entra claims challenge in a fetch Response', () => {
  const header = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${b64(NBF)}"`
  const response = new Response(null, { status: 401, headers: { 'WWW-Authenticate': header } })
  expect(getClaimsChallenge(response)).toStrictEqual({
    claims: NBF,
    error: 'insufficient_claims',
    challenge: {
      scheme: 'bearer',
      params: {
        realm: '',
        authorization_uri: 'https://login.microsoftonline.com/common/oauth2/authorize',
        error: 'insufficient_claims',
        claims: b64(NBF),
      },
    },
  })
})

it('ignores responses that are not 401', () => {
  const header = `Bearer error="insufficient_claims", claims="${b64(NBF)}"`
  for (const status of [200, 400, 403, 500])
    expect(getClaimsChallenge(res(header, status))).toBeUndefined()
})

it('finds the claims challenge in the second of two Bearer challenges', () => {
  const header = `Bearer realm="a", error="invalid_token", Bearer realm="b", error="insufficient_claims", claims="${b64(NBF)}"`
  const found = getClaimsChallenge(res(header))
  expect(found?.claims).toBe(NBF)
  expect(found?.challenge.params.realm).toBe('b')
})

it('finds a Bearer claims challenge after a PoP challenge and on a later header line', () => {
  const bearer = `Bearer error="insufficient_claims", claims="${b64(NBF)}"`
  expect(getClaimsChallenge(res(`PoP nonce="n", ${bearer}`))?.claims).toBe(NBF)
  expect(getClaimsChallenge(res(['Basic realm="x"', bearer]))?.claims).toBe(NBF)
})

it('finds an invalid_token challenge with xms_rp_ipaddr claims unless strict', () => {
  const header = `Bearer error="invalid_token", error_description="IP changed", claims="${b64(IP)}"`
  expect(getClaimsChallenge(res(header))).toMatchObject({
    claims: IP,
    error: 'invalid_token',
    errorDescription: 'IP changed',
  })
  expect(getClaimsChallenge(res(header), { strict: true })).toBeUndefined()
  const insufficient = `Bearer error="insufficient_claims", claims="${b64(IP)}"`
  expect(getClaimsChallenge(res(insufficient), { strict: true })?.claims).toBe(IP)
})

it('omits errorDescription when the challenge has none', () => {
  const found = getClaimsChallenge(res(`Bearer error="insufficient_claims", claims="${b64(NBF)}"`))
  expect(found && 'errorDescription' in found).toBe(false)
})

it('ignores challenges without claims, with another error, or another scheme', () => {
  for (const header of [
    'Bearer error="insufficient_claims"',
    `Bearer claims="${b64(NBF)}"`,
    `Bearer error="insufficient_scope", claims="${b64(NBF)}"`,
    `Bearer error="Insufficient_Claims", claims="${b64(NBF)}"`,
    `PoP error="insufficient_claims", claims="${b64(NBF)}"`,
    `DPoP error="invalid_token", claims="${b64(NBF)}"`,
    'Bearer authorization="https://login.windows.net/t", resource="https://vault.azure.net"',
  ]) {
    expect(getClaimsChallenge(res(header)), header).toBeUndefined()
  }
})

it('skips claims that do not decode and keeps looking', () => {
  const bad = 'Bearer error="insufficient_claims", claims="not base64!"'
  const array = `Bearer error="insufficient_claims", claims="${b64('[1]')}"`
  const good = `Bearer error="insufficient_claims", claims="${b64(NBF)}"`
  expect(getClaimsChallenge(res(bad))).toBeUndefined()
  expect(getClaimsChallenge(res(array))).toBeUndefined()
  expect(getClaimsChallenge(res(`${bad}, ${array}, ${good}`))?.claims).toBe(NBF)
})

it('finds claims in a sloppy Graph-style header with unquoted values', () => {
  const header = `Bearer realm="" authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize error=insufficient_claims claims=${b64url(NBF)}`
  expect(getClaimsChallenge(res(header))?.claims).toBe(NBF)
})

it('reads axios-style and Node-style headers', () => {
  const header = `Bearer error="insufficient_claims", claims="${b64(NBF)}"`
  const axiosLike = { get: (name: string) => (name === 'www-authenticate' ? header : undefined) }
  expect(getClaimsChallenge({ status: 401, headers: axiosLike })?.claims).toBe(NBF)
  expect(getClaimsChallenge({ status: 401, headers: { 'WWW-Authenticate': header } })?.claims).toBe(
    NBF,
  )
})

it('returns undefined for an oversize header unless maxLength allows it', () => {
  const header = `Bearer error="insufficient_claims", claims="${b64(NBF)}", pad="${'x'.repeat(20_000)}"`
  expect(getClaimsChallenge(res(header))).toBeUndefined()
  expect(getClaimsChallenge(res(header), { maxLength: 32_768 })?.claims).toBe(NBF)
})

it('never throws on missing or broken input', () => {
  const throwing = {
    get() {
      throw new Error('boom')
    },
  }
  expect(getClaimsChallenge({ status: 401, headers: throwing })).toBeUndefined()
  expect(getClaimsChallenge({ status: 401 } as never)).toBeUndefined()
  expect(getClaimsChallenge(undefined as never)).toBeUndefined()
  expect(
    getClaimsChallenge(res('Bearer error="insufficient_claims", claims="\ud800"')),
  ).toBeUndefined()
})
