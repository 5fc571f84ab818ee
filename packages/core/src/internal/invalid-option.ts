/**
 * The one way a setup check fails: a `CaeOptionsError` naming the option at fault.
 *
 * @module
 */

import { CaeOptionsError } from '../errors'

/**
 * Throws the setup error for option `name`: `"name" must be <expected>`.
 *
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`), always.
 */
export function invalidOption(name: string, expected: string): never {
  throw new CaeOptionsError(`"${name}" must be ${expected}`)
}
