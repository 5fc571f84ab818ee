import type { AxiosError, AxiosRequestConfig, InternalAxiosRequestConfig } from 'axios'
import { expectTypeOf } from 'vitest'
import { attachCae, type CaeAxiosErrorInfo, type CaeAxiosRequestState } from './index'

// The augmentation types config.caeKit for every axios import.
expectTypeOf<AxiosRequestConfig['caeKit']>().toEqualTypeOf<CaeAxiosRequestState | undefined>()
expectTypeOf<InternalAxiosRequestConfig['caeKit']>().toEqualTypeOf<
  CaeAxiosRequestState | undefined
>()
// AxiosError is not augmented (a type alias in axios' CommonJS typings): `isCaeAxiosError` types
// `error.caeKit`, for ESM and CommonJS alike.
expectTypeOf<AxiosError>().not.toHaveProperty('caeKit')
expectTypeOf<CaeAxiosErrorInfo['code']>().toEqualTypeOf<'ERR_CAE_CHALLENGE_AFTER_REPLAY'>()
expectTypeOf(attachCae).returns.toEqualTypeOf<() => void>()
