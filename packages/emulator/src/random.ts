/** A small seeded pseudo-random source, so runs that draw lifetimes or header variants repeat. */

/** Draws numbers in [0, 1) from a seed; the same seed gives the same sequence. */
export type SeededRandom = {
  /** The next number in [0, 1). */
  next(): number
  /** The seed the sequence started from. */
  readonly seed: number
}

/** The seed used when none is given: runs are deterministic unless a test picks another seed. */
export const DEFAULT_SEED = 1

/**
 * A mulberry32 sequence: fast, 32-bit state, good enough to spread lifetimes and pick variants.
 * Not for anything secret.
 */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0
  return {
    seed,
    next() {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
    },
  }
}

/** Checks a seed option: an integer from 0 to 2^32 - 1. */
export function isSeed(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff
}
