/**
 * Whether the fleet suites can run: they start their own `redis-server`. When it is missing they
 * are skipped with a console warning, or fail with a clear message when `CI` is set (as the
 * browser suites do for Chromium).
 */
import { findRedisServer, REDIS_INSTALL_HINT } from '../../../examples/fleet/src/redis-server'

/** Throws under CI when redis-server is missing; otherwise warns and returns `{ available: false }`. */
export function redisSuite(): { available: boolean } {
  try {
    findRedisServer()
    return { available: true }
  } catch {
    if (process.env.CI)
      throw new Error(`${REDIS_INSTALL_HINT} Fleet tests cannot be skipped under CI.`)
    console.warn(`[fleet tests skipped] ${REDIS_INSTALL_HINT}`)
    return { available: false }
  }
}
