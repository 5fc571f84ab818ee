// @vitest-environment node
import { afterEach, expect, it } from 'vitest'
import { parseWwwAuthenticate } from './challenge'

// Linear time is asserted on work, counted rather than timed. The parser reads its input through
// regular expressions (one sticky expression matched once per list element, and the replace that
// unescapes a quoted-string: both run RegExp.prototype.exec once it is replaced here) and
// String.prototype.charCodeAt, so counting those calls (and the characters each match consumes;
// charAt and slice are counted too, should a change use them) measures how far it reads,
// deterministically and at no cost to the parser itself: the counters are installed here, for
// this file only. A work budget stops a super-linear parse early, so a regression fails fast
// instead of hanging. What the regular expression engine tries inside one match is invisible to
// a counter; the last test bounds it with a clock, generously, since a linear parse of 1 MiB
// takes milliseconds and a quadratic one hours.
const { charAt, charCodeAt, slice } = String.prototype
const { exec } = RegExp.prototype
const WORK_PER_CHAR = 4
let work = 0

class BudgetExceeded extends Error {}

function count(budget: number): void {
  String.prototype.charCodeAt = function (this: string, index: number) {
    if (++work > budget) throw new BudgetExceeded(`work over ${budget}`)
    return charCodeAt.call(this, index)
  }
  String.prototype.charAt = function (this: string, index: number) {
    if (++work > budget) throw new BudgetExceeded(`work over ${budget}`)
    return charAt.call(this, index)
  }
  RegExp.prototype.exec = function (this: RegExp, input: string) {
    const from = this.lastIndex
    const found = exec.call(this, input)
    work += (found ? this.lastIndex : input.length) - from
    if (work > budget) throw new BudgetExceeded(`work over ${budget}`)
    return found
  }
  String.prototype.slice = function (this: string, start?: number, end?: number) {
    const result = slice.call(this, start, end)
    work += result.length
    if (work > budget) throw new BudgetExceeded(`work over ${budget}`)
    return result
  }
}

function measure(value: string): number {
  work = 0
  count(WORK_PER_CHAR * value.length)
  try {
    parseWwwAuthenticate(value, { maxLength: Number.POSITIVE_INFINITY })
  } finally {
    String.prototype.charAt = charAt
    String.prototype.charCodeAt = charCodeAt
    RegExp.prototype.exec = exec
    String.prototype.slice = slice
  }
  return work
}

afterEach(() => {
  String.prototype.charAt = charAt
  String.prototype.charCodeAt = charCodeAt
  RegExp.prototype.exec = exec
  String.prototype.slice = slice
})

const MiB = 1024 * 1024

function fill(head: string, unit: string, length: number, tail = ''): string {
  const body = unit.repeat(Math.ceil((length - head.length - tail.length) / unit.length))
  return head + body.slice(0, length - head.length - tail.length) + tail
}

const hostile: Record<string, (length: number) => string> = {
  'unbalanced quotes': (n) => fill('Bearer a=', '"', n),
  'escaped quotes in an unterminated string': (n) => fill('Bearer a="', '\\"', n),
  'backslash escapes in a closed string': (n) => fill('Bearer a="', '\\\\', n, '"'),
  'a=a=a=…': (n) => fill('', 'a=', n),
  commas: (n) => fill('Bearer', ',', n),
  'spaces and commas': (n) => fill('Bearer', ' , ', n),
  'stray tokens': (n) => fill('Bearer ', 'x ', n),
  'scheme-param chains': (n) => fill('', 'a b=', n),
  'token68 challenges': (n) => fill('', 'a b==, ', n),
  'space-separated params': (n) => fill('Bearer ', 'p="v" ', n),
  'quote-comma garbage': (n) => fill('Bearer realm="x" ', '@",', n),
  'long token68': (n) => fill('Basic ', 'a', n),
  'long unquoted value': (n) => fill('Bearer a=', 'b', n),
  'quoted values followed by garbage': (n) => fill('Bearer ', 'a="x"y', n),
  'quoted strings holding commas': (n) => fill('Bearer a=', '"x,",', n),
  'a scheme and one long token': (n) => fill('a ', 'b', n, ' c'),
  'a token68 with long padding': (n) => fill('a b', '=', n, 'x'),
  'a scheme and long whitespace': (n) => fill('a', ' ', n, 'x'),
  'real claims challenges': (n) =>
    fill('', 'Bearer realm="", error="insufficient_claims", claims="eyJhIjoxfQ==", ', n),
}

for (const [name, build] of Object.entries(hostile)) {
  it(`does linear work on 1 MiB of ${name}`, () => {
    const small = measure(build(MiB / 4))
    const large = measure(build(MiB))
    // Quadratic work would make the 4x input cost 16x; allow slack for constant terms only.
    expect(large).toBeLessThanOrEqual(4.2 * small)
    expect(large).toBeLessThanOrEqual(WORK_PER_CHAR * MiB)
    expect(large).toBeGreaterThan(0)
  })
}

it('counts the work of a parse through the installed counters', () => {
  expect(measure('Bearer realm="x"')).toBeGreaterThanOrEqual('Bearer realm="x"'.length)
  expect('abc'.slice(1)).toBe('bc')
})

it('stops a parse that goes over its work budget', () => {
  work = 0
  count(3)
  expect(() => parseWwwAuthenticate('Bearer realm="x"')).toThrow(BudgetExceeded)
})

it('parses 1 MiB of each hostile input in well under a second', () => {
  for (const [name, build] of Object.entries(hostile)) {
    const value = build(MiB)
    const start = performance.now()
    parseWwwAuthenticate(value, { maxLength: Number.POSITIVE_INFINITY })
    expect(performance.now() - start, name).toBeLessThan(1000)
  }
})

it('never throws on megabytes of quoted-strings, whatever maxLength says (NaN included)', () => {
  const pairs = `x ${'""'.repeat(8_000_000)}`
  const escapes = `Bearer a="${'\\"'.repeat(8_000_000)}"`
  for (const maxLength of [Number.NaN, Number.POSITIVE_INFINITY, 'many' as unknown as number]) {
    expect(parseWwwAuthenticate(pairs, { maxLength })).toEqual([])
    expect(parseWwwAuthenticate(escapes, { maxLength })).toEqual([])
  }
})
