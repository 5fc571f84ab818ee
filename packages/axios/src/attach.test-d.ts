import type { AxiosError, AxiosRequestConfig, InternalAxiosRequestConfig } from 'axios'
import { expectTypeOf } from 'vitest'
import { attachCae, type CaeAxiosErrorInfo, type CaeAxiosRequestState } from './index'

// The augmentation types config.caeKit and error.caeKit for every axios import.
expectTypeOf<AxiosRequestConfig['caeKit']>().toEqualTypeOf<CaeAxiosRequestState | undefined>()
expectTypeOf<InternalAxiosRequestConfig['caeKit']>().toEqualTypeOf<
  CaeAxiosRequestState | undefined
>()
expectTypeOf<AxiosError['caeKit']>().toEqualTypeOf<CaeAxiosErrorInfo | undefined>()
expectTypeOf<CaeAxiosErrorInfo['code']>().toEqualTypeOf<'ERR_CAE_CHALLENGE_AFTER_REPLAY'>()
expectTypeOf(attachCae).returns.toEqualTypeOf<() => void>()
