// @vitest-environment node
import { expect, it } from 'vitest'
import { type HeadersLike, readHeaderValues } from './headers'

it('reads a fetch Headers value whatever the case of the name', () => {
  const headers = new Headers({ 'WWW-Authenticate': 'Bearer realm="x"' })
  expect(readHeaderValues(headers, 'www-authenticate')).toStrictEqual(['Bearer realm="x"'])
  expect(readHeaderValues(headers, 'WWW-AUTHENTICATE')).toStrictEqual(['Bearer realm="x"'])
})

it('reads the joined value of repeated fetch header lines', () => {
  const headers = new Headers()
  headers.append('www-authenticate', 'Basic realm="a"')
  headers.append('www-authenticate', 'Bearer realm="b"')
  expect(readHeaderValues(headers, 'www-authenticate')).toStrictEqual([
    'Basic realm="a", Bearer realm="b"',
  ])
})

it('returns [] when the header is absent', () => {
  expect(readHeaderValues(new Headers(), 'www-authenticate')).toStrictEqual([])
  expect(readHeaderValues({}, 'www-authenticate')).toStrictEqual([])
  expect(readHeaderValues({ get: () => undefined }, 'www-authenticate')).toStrictEqual([])
})

it('reads anything with get(), including array and number values', () => {
  const values = new Map<string, unknown>([
    ['a', 'one'],
    ['b', ['x', 'y', 3, null]],
    ['c', 7],
    ['d', true],
  ])
  const headers = { get: (name: string) => values.get(name) }
  expect(readHeaderValues(headers, 'a')).toStrictEqual(['one'])
  expect(readHeaderValues(headers, 'b')).toStrictEqual(['x', 'y', '3'])
  expect(readHeaderValues(headers, 'c')).toStrictEqual(['7'])
  expect(readHeaderValues(headers, 'd')).toStrictEqual([])
})

it('reads records case-insensitively, one value per array item', () => {
  const headers: HeadersLike = {
    'WWW-Authenticate': ['Basic realm="a"', 'Bearer realm="b"'],
    'www-authenticate': 'PoP nonce="n"',
    'www-authenticate-extra': 'no',
    'content-length': 12,
    empty: null,
  }
  expect(readHeaderValues(headers, 'www-authenticate')).toStrictEqual([
    'Basic realm="a"',
    'Bearer realm="b"',
    'PoP nonce="n"',
  ])
  expect(readHeaderValues(headers, 'Content-Length')).toStrictEqual(['12'])
  expect(readHeaderValues(headers, 'empty')).toStrictEqual([])
})

it('treats a record entry named get that is not a function as a header', () => {
  expect(readHeaderValues({ get: 'value' }, 'get')).toStrictEqual(['value'])
})

it('never throws on a throwing getter or a missing headers object', () => {
  const throwing = {
    get() {
      throw new Error('boom')
    },
  }
  expect(readHeaderValues(throwing, 'www-authenticate')).toStrictEqual([])
  expect(readHeaderValues(null as unknown as HeadersLike, 'x')).toStrictEqual([])
  expect(readHeaderValues(undefined as unknown as HeadersLike, 'x')).toStrictEqual([])
})
