// @vitest-environment node
import fc from 'fast-check'
import { expect, it } from 'vitest'
import type { Challenge } from './challenge'
import { parseWwwAuthenticate as parse } from './challenge'
import { formatWwwAuthenticate as format } from './format'
import { isToken } from './internal/http-grammar'

const loneSurrogates = fc.string({
  unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
})
const anyCodeUnit = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
})
// Characters that matter to the grammar, so that random strings hit its interesting paths.
const headerish = fc.string({
  unit: fc.constantFrom(...'Bb e=", \\\t\r\n/:+-_.~aZ0'.split('')),
  maxLength: 80,
})

function assertWellFormed(challenges: Challenge[]): void {
  for (const { scheme, params, token68 } of challenges) {
    expect(isToken(scheme) && scheme === scheme.toLowerCase()).toBe(true)
    for (const [name, value] of Object.entries(params)) {
      expect(isToken(name) && name === name.toLowerCase()).toBe(true)
      expect(typeof value).toBe('string')
    }
    if (token68 !== undefined) expect(Object.keys(params)).toHaveLength(0)
  }
}

it('never throws and yields well-formed challenges for any string', () => {
  for (const strings of [fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' })]) {
    fc.assert(
      fc.property(strings, (value) => assertWellFormed(parse(value))),
      { numRuns: 500 },
    )
  }
  fc.assert(fc.property(loneSurrogates, (value) => assertWellFormed(parse(value))))
  fc.assert(
    fc.property(anyCodeUnit, (value) => assertWellFormed(parse(value))),
    { numRuns: 500 },
  )
  fc.assert(
    fc.property(headerish, (value) => assertWellFormed(parse(value))),
    { numRuns: 2000 },
  )
})

it('gives back its own parse when that is formatted and parsed again', () => {
  fc.assert(
    fc.property(headerish, (value) => {
      const challenges = parse(value)
      expect(parse(format(challenges))).toStrictEqual(challenges)
    }),
    { numRuns: 2000 },
  )
})

const tchars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz".split('')
const token = fc.string({ unit: fc.constantFrom(...tchars), minLength: 1, maxLength: 12 })
const name = fc.oneof(token, fc.constantFrom('__proto__', 'constructor', 'claims', 'error'))
// Any character a header can carry in a quoted-string: HTAB, SP..~ and obs-text.
const value = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\t', '"', '\\', ',', '=', ' '),
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 20,
})
const token68 = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...'aZ09-._~+/'.split('')), minLength: 1, maxLength: 12 }),
    fc.constantFrom('', '=', '=='),
  )
  .map(([body, padding]) => body + padding)
// fc.record builds null-prototype objects; the parser returns plain ones.
const challenge: fc.Arbitrary<Challenge> = fc
  .oneof(
    fc.record({
      scheme: token,
      params: fc
        .uniqueArray(fc.tuple(name, value), { selector: ([key]) => key, maxLength: 5 })
        .map((entries) => {
          const params: Record<string, string> = {}
          for (const [key, text] of entries) {
            Object.defineProperty(params, key, {
              value: text,
              enumerable: true,
              writable: true,
              configurable: true,
            })
          }
          return params
        }),
    }),
    fc.record({ scheme: token, params: fc.constant({}), token68 }),
  )
  .map((record) => ({ ...record }))

it('parses formatted random challenges back to the same challenges', () => {
  fc.assert(
    fc.property(fc.array(challenge, { maxLength: 4 }), (challenges) => {
      expect(parse(format(challenges))).toStrictEqual(challenges)
    }),
    { numRuns: 1000 },
  )
})
