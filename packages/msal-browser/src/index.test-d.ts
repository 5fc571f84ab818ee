// Type tests, checked by `tsc -p tsconfig.test.json` (not run).
import type {
  AuthenticationResult,
  IPublicClientApplication,
  PublicClientApplication,
} from '@azure/msal-browser'
import { expectTypeOf } from 'vitest'
import {
  fromMsalBrowser,
  type PendingRequest,
  type RedirectResume,
  resumeAfterRedirect,
  type TokenProvider,
} from './index'

declare const pca: PublicClientApplication
declare const ipca: IPublicClientApplication
interface AxiosResponse {
  status: number
  data: unknown
}
declare const replayWithAxios: (request: PendingRequest) => Promise<AxiosResponse>

expectTypeOf(fromMsalBrowser(pca)).toEqualTypeOf<TokenProvider>()
expectTypeOf(fromMsalBrowser(ipca, { interaction: 'redirect' })).toEqualTypeOf<TokenProvider>()
// @ts-expect-error 'silent' is not an interaction mode
fromMsalBrowser(pca, { interaction: 'silent' })

expectTypeOf(
  resumeAfterRedirect(pca, { fetch, resources: [{ url: 'https://api.test' }] }),
).resolves.toEqualTypeOf<RedirectResume<Response>>()
expectTypeOf(
  resumeAfterRedirect(pca, { replay: replayWithAxios, resources: [{ url: 'https://api.test' }] }),
).resolves.toEqualTypeOf<RedirectResume<AxiosResponse>>()
expectTypeOf<RedirectResume['result']>().toEqualTypeOf<AuthenticationResult | null>()
