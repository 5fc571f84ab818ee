/**
 * Turns whatever an API call rejected with into one sentence for the user, and says whether the
 * account is blocked (nothing to do but contact an admin) or the user can act (sign in, retry).
 */
import { isCaeAxiosError } from '@cae-kit/axios'
import type { CaeErrorCode, CaeUnsatisfiedCode } from '@cae-kit/core'
import { isCaeError } from '@cae-kit/core'
import { isAxiosError } from 'axios'

export interface Failure {
  /** `blocked`: access is refused outright; `error`: the user can act (sign in, retry). */
  state: 'blocked' | 'error'
  message: string
  /** The cae-kit code, when the kit produced the failure (an error, or an unsatisfied replay). */
  code?: CaeErrorCode | CaeUnsatisfiedCode
}

const messages: Partial<Record<CaeErrorCode | CaeUnsatisfiedCode, Failure>> = {
  ERR_CAE_ACCESS_BLOCKED: {
    state: 'blocked',
    message:
      'Access is blocked for this account (disabled or not allowed). Ask an administrator; retrying will not help.',
  },
  ERR_CAE_INTERACTION_CANCELLED: {
    state: 'error',
    message: 'Sign-in was cancelled. Click "Call API" to try again.',
  },
  ERR_CAE_POPUP_BLOCKED: {
    state: 'error',
    message:
      'The browser blocked the sign-in popup. Allow popups for this page, then click "Call API".',
  },
  ERR_CAE_INTERACTION_REQUIRED: {
    state: 'error',
    message: 'You need to sign in again. Click "Sign in".',
  },
  ERR_CAE_CHALLENGE_AFTER_REPLAY: {
    state: 'error',
    message:
      'The API still refused the request after a new sign-in. Click "Call API" to try again.',
  },
  ERR_CAE_TOKEN_ACQUISITION_FAILED: {
    state: 'error',
    message: 'A new token could not be obtained. Click "Call API" to try again.',
  },
}

/**
 * AADSTS53003: a Conditional Access policy refuses every token, interactive sign-in included. With
 * CAE it is what a device outside the allowed network (strict location enforcement) gets.
 */
const CONDITIONAL_ACCESS_BLOCKED =
  'Access is blocked by a Conditional Access policy (AADSTS53003): this network is not an allowed location. Signing in again will not help; connect from an allowed network or ask an administrator.'

/**
 * MSAL codes meaning the identity provider could not be reached at all. Against the local
 * emulator, that is almost always its self-signed certificate not being trusted yet.
 */
const UNREACHABLE = new Set([
  'endpoints_resolution_error',
  'no_network_connectivity',
  'failed_to_parse_response',
])

/**
 * Describes `error` for the status line; never throws. Every message is whole sentences, so
 * text appended after it never runs into it.
 *
 * @param error - What the call or sign-in rejected with.
 * @param identityProvider - The emulator's URL (`https://localhost:8443`), named when it cannot be reached.
 */
export function describeFailure(error: unknown, identityProvider = 'the emulator'): Failure {
  const msalCode = causeText(error)
  if (UNREACHABLE.has(msalCode)) {
    return {
      state: 'error',
      message: `The sign-in server at ${identityProvider} could not be reached (${msalCode}): its local certificate is probably not trusted by this browser yet. Open ${identityProvider} in a new tab, accept the certificate warning, then come back and sign in again.`,
    }
  }
  const cae = findCaeError(error)
  if (cae?.code === 'ERR_CAE_ACCESS_BLOCKED' && /AADSTS53003\b/.test(entraText(cae.cause))) {
    return { state: 'blocked', message: CONDITIONAL_ACCESS_BLOCKED, code: cae.code }
  }
  if (cae) {
    const known = messages[cae.code]
    const detail = causeText(cae.cause)
    return {
      state: known?.state ?? 'error',
      message: `${known?.message ?? cae.message}${detail ? ` (${detail})` : ''}`,
      code: cae.code,
    }
  }
  // A replay challenged again is no cae-kit error: axios rejects with its own error, and
  // `caeKit` says what the API still asks for.
  if (isCaeAxiosError(error))
    return { ...(messages[error.caeKit.code] as Failure), code: error.caeKit.code }
  if (isAxiosError(error)) {
    if (!error.response)
      return { state: 'error', message: `The API is unreachable: ${error.message}` }
    return {
      state: 'error',
      message: `The API answered ${error.response.status}. Click "Call API" to try again.`,
    }
  }
  const text = error instanceof Error ? error.message : String(error)
  return { state: 'error', message: /[.!?]$/.test(text) ? text : `${text}.` }
}

/** The first cae-kit error in the `cause` chain: axios may wrap the kit's error, and vice versa. */
function findCaeError(
  error: unknown,
): { code: CaeErrorCode; message: string; cause?: unknown } | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    if (isCaeError(current)) return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

function causeText(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return ''
  const code = (cause as { errorCode?: unknown }).errorCode
  return typeof code === 'string' ? code : ''
}

/** Entra's text in an MSAL error (`errorMessage`, else `message`), for AADSTS numbers. */
function entraText(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return ''
  const { errorMessage, message } = cause as { errorMessage?: unknown; message?: unknown }
  return [errorMessage, message].filter((text) => typeof text === 'string').join(' ')
}
