/**
 * The words of `WWW-Authenticate` that real challenges use (schemes and parameter names of RFC
 * 6750, 7616, 7617, 9449, 9470, 9728, Entra ID and container registries), so the parser can
 * recognise a token while scanning it, without copying or lowercasing it: a known token becomes
 * one of these lowercase constants (internalized strings, the cheapest property keys), and a
 * known parameter name has its own bit, so a repeated one is found without a property lookup.
 *
 * @module
 */

import { has, TCHAR } from './http-grammar'

const SCHEMES = ['bearer', 'dpop', 'pop', 'basic', 'digest', 'negotiate', 'ntlm']
// At most 31 (one bit each in a 32-bit mask).
const PARAMS = [
  'realm',
  'scope',
  'error',
  'error_description',
  'error_uri',
  'claims',
  'authorization_uri',
  'authorization',
  'resource',
  'resource_id',
  'resource_metadata',
  'client_id',
  'trusted_issuers',
  'acr_values',
  'max_age',
  'algs',
  'service',
  'nonce',
  'qop',
  'algorithm',
  'opaque',
  'stale',
  'domain',
  'userhash',
  'charset',
]

/** Hash of the lowercased token last read by {@link scanToken}. */
export let tokenHash = 0

/**
 * Index of the first code unit at or after `i` (below `n`) that is not a token character, like
 * `skip(s, i, n, TCHAR)`; it also leaves the hash of the lowercased token in {@link tokenHash}.
 */
export function scanToken(s: string, i: number, n: number): number {
  let h = 0
  while (i < n) {
    const c = s.charCodeAt(i)
    if (!has(c, TCHAR)) break
    h = (Math.imul(h, 31) + (c >= 65 && c <= 90 ? c + 32 : c)) | 0
    i++
  }
  tokenHash = h
  return i
}

// Open addressing over the hashes: slot -> word index + 1 (0: empty).
const SIZE = 128
type Table = { slots: Uint8Array; hashes: Int32Array; words: string[]; codes: number[][] }

function build(): Table {
  const words = [...SCHEMES, ...PARAMS]
  const slots = new Uint8Array(SIZE)
  const hashes = new Int32Array(SIZE)
  const codes = words.map((word) => Array.from(word, (ch) => ch.codePointAt(0) as number))
  codes.forEach((chars, index) => {
    let h = 0
    for (const c of chars) h = (Math.imul(h, 31) + c) | 0
    let slot = h & (SIZE - 1)
    while (slots[slot] !== 0) slot = (slot + 1) & (SIZE - 1)
    slots[slot] = index + 1
    hashes[slot] = h
  })
  return { slots, hashes, words, codes }
}
const TABLE = /* @__PURE__ */ build()

/** Index of the known word that `s[start, end)` spells (any case), given its hash; -1 if none. */
function find(s: string, start: number, end: number, hash: number): number {
  let slot = hash & (SIZE - 1)
  for (;;) {
    const entry = TABLE.slots[slot] as number
    if (entry === 0) return -1
    if (TABLE.hashes[slot] === hash) {
      const chars = TABLE.codes[entry - 1] as number[]
      if (chars.length === end - start && spells(s, start, chars)) return entry - 1
    }
    slot = (slot + 1) & (SIZE - 1)
  }
}

function spells(s: string, start: number, chars: number[]): boolean {
  for (let k = 0; k < chars.length; k++) {
    const c = s.charCodeAt(start + k)
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== chars[k]) return false
  }
  return true
}

/** Bit of the known parameter name found by the last {@link lowerToken}; 0 for any other. */
export let wordBit = 0

/**
 * `s.slice(start, end).toLowerCase()` for the token whose hash {@link scanToken} returned: a known
 * word is returned as its constant (no copy), and {@link wordBit} says which parameter it is.
 */
export function lowerToken(s: string, start: number, end: number, hash: number): string {
  const index = find(s, start, end, hash)
  if (index < 0) {
    wordBit = 0
    return s.slice(start, end).toLowerCase()
  }
  wordBit = index < SCHEMES.length ? 0 : 1 << (index - SCHEMES.length)
  return TABLE.words[index] as string
}
