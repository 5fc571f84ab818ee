// @vitest-environment node
import { expect, it } from 'vitest'
import { decodeBase64, encodeBase64 } from './base64'

const bytes = (text: string) => new TextEncoder().encode(text)

it('decodes standard and url alphabets, padded or not', () => {
  const expected = Uint8Array.from(Buffer.from([0xfb, 0xff, 0xbf, 0x41]))
  for (const value of ['+/+/QQ==', '+/+/QQ', '-_-_QQ==', '-_-_QQ']) {
    expect(decodeBase64(value)).toStrictEqual(expected)
  }
})

it('decodes a value whose length is a multiple of 4 without padding', () => {
  expect(decodeBase64('YWJj')).toStrictEqual(bytes('abc'))
})

it('rejects values that are not base64', () => {
  for (const value of [
    '',
    '=',
    'YQ===',
    'Y===',
    'YWJ=jYQ==',
    'Y',
    'YWJjZ',
    'YQ=',
    'YW Jj',
    ' YWJj',
    'YWJj\n',
    'YW*j',
    '+/-_',
    'YWJj\u00e9',
  ]) {
    expect(decodeBase64(value), value).toBeUndefined()
  }
})

it('encodes padded standard base64 like Buffer does', () => {
  for (const text of ['', 'a', 'ab', 'abc', 'é☕🙂', '\u00ff\u00fe']) {
    expect(encodeBase64(bytes(text))).toBe(Buffer.from(text, 'utf8').toString('base64'))
  }
})

it('encodes more bytes than one fromCharCode call takes', () => {
  const large = new Uint8Array(200_000).map((_, i) => i % 256)
  expect(encodeBase64(large)).toBe(Buffer.from(large).toString('base64'))
})
