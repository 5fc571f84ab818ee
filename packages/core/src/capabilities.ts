/**
 * Client capabilities in a claims request: how a token provider that is not MSAL declares `CP1`.
 *
 * @module
 */

import { isClaimsJson, isJsonObject } from './entra'
import { CaeOptionsError } from './errors'

type JsonObject = Record<string, unknown>

function parseClaims(claims: string): JsonObject {
  if (!isClaimsJson(claims))
    throw new CaeOptionsError('"claims" must be the JSON text of an object')
  return JSON.parse(claims)
}

/**
 * Merges client capabilities (default `CP1`) into a claims request, as MSAL does for
 * `clientCapabilities`: `{"access_token":{"xms_cc":{"values":["CP1"]}}}` plus whatever the
 * challenge asked for. A token provider that talks to Entra without MSAL (`oauth4webapi`, your
 * own HTTP call) sends the result as the token request's `claims` parameter on every request,
 * challenged or not: without `CP1` Entra issues ordinary one-hour tokens and CAE resources never
 * challenge them. Existing `xms_cc` values are kept (compared case-insensitively, as Entra does),
 * and every other member of the claims is left as it is.
 *
 * @param claims - The decoded claims (JSON text) of a challenge (`TokenRequest.claims`), or
 *   `undefined` for a first token.
 * @param capabilities - The capabilities to declare. Default: `['CP1']`.
 * @returns The JSON text to send as `claims`.
 * @throws CaeOptionsError (`ERR_CAE_INVALID_OPTIONS`) when `claims` is not the JSON text of an
 *   object or a capability is not a non-empty string.
 * @example
 * ```ts
 * addClientCapabilities(undefined) // '{"access_token":{"xms_cc":{"values":["CP1"]}}}'
 * addClientCapabilities('{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}')
 * // '{"access_token":{"nbf":{"essential":true,"value":"1700000000"},"xms_cc":{"values":["CP1"]}}}'
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge#client-capabilities
 */
export function addClientCapabilities(
  claims: string | undefined,
  capabilities: readonly string[] = ['CP1'],
): string {
  if (
    !Array.isArray(capabilities) ||
    !capabilities.every((value) => typeof value === 'string' && value !== '')
  ) {
    throw new CaeOptionsError('"capabilities" must be an array of non-empty strings')
  }
  const request = claims === undefined || claims.trim() === '' ? {} : parseClaims(claims)
  const accessToken = isJsonObject(request.access_token) ? request.access_token : {}
  const declared = isJsonObject(accessToken.xms_cc) ? accessToken.xms_cc : {}
  const values = Array.isArray(declared.values)
    ? declared.values.filter((value): value is string => typeof value === 'string')
    : []
  const known = new Set(values.map((value) => value.toUpperCase()))
  for (const capability of capabilities) {
    if (!known.has(capability.toUpperCase())) {
      known.add(capability.toUpperCase())
      values.push(capability)
    }
  }
  return JSON.stringify({
    ...request,
    access_token: { ...accessToken, xms_cc: { ...declared, values } },
  })
}
