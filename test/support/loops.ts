/**
 * Entra's loop detection in the integration suites: switched on after every reset, and checked
 * after every test, so that no cae-kit flow ever sends the identical token requests Entra refuses
 * with AADSTS50196.
 */
import type { EmulatorAdmin } from '@cae-kit/emulator'
import { afterEach, beforeEach, expect } from 'vitest'

/**
 * Registers, in the calling suite, a `beforeEach` that resets the emulator and turns loop
 * detection on, and an `afterEach` that fails the test when a token request was refused as a loop.
 *
 * @param admin - The emulator's admin (a getter: the emulator may start in `beforeAll`).
 */
export function resetWithLoopDetection(admin: () => EmulatorAdmin | undefined): void {
  beforeEach(() => {
    admin()?.reset()
    admin()?.detectLoops(true)
  })
  afterEach(() => {
    const loops = admin()
      ?.tokenRequests()
      .filter((r) => r.errorCode === 50196)
    expect(loops ?? [], 'token requests refused as a loop (AADSTS50196)').toEqual([])
  })
}
