import type { AxiosError } from 'axios'
import { expectTypeOf } from 'vitest'
import { type CaeAxiosError, type CaeAxiosErrorInfo, isCaeAxiosError } from './index'

// The guard narrows anything a request rejected with to the AxiosError carrying `caeKit`.
declare const rejection: unknown
if (isCaeAxiosError(rejection)) {
  expectTypeOf(rejection).toEqualTypeOf<CaeAxiosError>()
  expectTypeOf(rejection.caeKit).toEqualTypeOf<CaeAxiosErrorInfo>()
  expectTypeOf(rejection.caeKit.code).toEqualTypeOf<'ERR_CAE_CHALLENGE_AFTER_REPLAY'>()
  expectTypeOf(rejection.caeKit.claims).toEqualTypeOf<string | undefined>()
  expectTypeOf(rejection).toMatchTypeOf<AxiosError>()
}

// An AxiosError already in hand keeps its response data type once narrowed.
declare const axiosError: AxiosError<{ message: string }>
if (isCaeAxiosError<{ message: string }>(axiosError)) {
  expectTypeOf(axiosError.response?.data).toEqualTypeOf<{ message: string } | undefined>()
  expectTypeOf(axiosError.caeKit.scopes).toEqualTypeOf<readonly string[]>()
}

expectTypeOf(isCaeAxiosError).parameter(0).toEqualTypeOf<unknown>()
