/**
 * The same as axios-errors.ts from CommonJS, where axios' typings declare `AxiosError` as a type
 * alias (which is why cae-kit offers a guard rather than augmenting it).
 */
import cae = require('@cae-kit/axios')
import axios = require('axios')

/** What the API still asks for, or undefined for any other failure. */
export function stillAskedFor(error: unknown): cae.CaeAxiosErrorInfo | undefined {
  if (!cae.isCaeAxiosError(error)) return undefined
  const narrowed: cae.CaeAxiosError = error
  const status: number | undefined = narrowed.response?.status
  return status === 401 ? error.caeKit : undefined
}

/** Whether the response answered the replay. */
export function replayed(response: axios.AxiosResponse): boolean {
  return response.config.caeKit?.replay === true
}
