import { CaeOptionsError } from '@cae-kit/core'
import type { MsalNodeCommonOptions } from './types'

/**
 * Reads the application's declared client capabilities. msal-node keeps the built configuration
 * in the protected `config` field of `ClientApplication` (`config.auth.clientCapabilities`,
 * defaulted to `[]`); it is not public API, so anything unexpected reads as "unknown".
 */
export function readClientCapabilities(app: object): readonly string[] | undefined {
  const config = (app as { config?: { auth?: { clientCapabilities?: unknown } } }).config
  const capabilities = config?.auth?.clientCapabilities
  if (!Array.isArray(capabilities)) return undefined
  return capabilities.filter((value): value is string => typeof value === 'string')
}

/**
 * Warns (or throws `ERR_CAE_CAPABILITY_MISSING` with `requireCapability`) when the application
 * does not declare `CP1`. Without it Entra issues ordinary one-hour tokens and resources never
 * send claims challenges, so CAE silently does nothing. An application whose configuration
 * cannot be read (a wrapper, a test double) is only rejected under `requireCapability`.
 */
export function checkCapability(app: object, options: MsalNodeCommonOptions): void {
  const capabilities = readClientCapabilities(app)
  if (capabilities?.includes('CP1')) return
  const message =
    capabilities === undefined
      ? 'cannot read clientCapabilities from the msal application: CP1 (CAE) is not verified'
      : 'msal application does not declare clientCapabilities ["CP1"]: Entra will not issue CAE tokens and resources will not send claims challenges'
  if (options.requireCapability === true) {
    throw new CaeOptionsError(message, { code: 'ERR_CAE_CAPABILITY_MISSING' })
  }
  if (capabilities === undefined) return
  const logger = options.logger ?? console
  logger.warn(`@cae-kit/msal-node: ${message}`)
}
