/**
 * An ESM consumer reads what a replay challenged again rejects with: `isCaeAxiosError` narrows it
 * and types `caeKit`; `config.caeKit` is typed by the augmentation (type-checked, not run).
 */
import { type CaeAxiosError, type CaeAxiosErrorInfo, isCaeAxiosError } from '@cae-kit/axios'
import type { AxiosResponse } from 'axios'

/** What the API still asks for, or undefined for any other failure. */
export function stillAskedFor(error: unknown): CaeAxiosErrorInfo | undefined {
  if (!isCaeAxiosError(error)) return undefined
  const narrowed: CaeAxiosError = error
  const status: number | undefined = narrowed.response?.status
  return status === 401 ? error.caeKit : undefined
}

/** Whether the response answered the replay. */
export function replayed(response: AxiosResponse): boolean {
  return response.config.caeKit?.replay === true
}
