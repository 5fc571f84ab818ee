import type { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node'
import type { TokenProvider } from '@cae-kit/core'
import { expectTypeOf } from 'vitest'
import { fromMsalNode } from './from-msal-node'
import type { MsalNodeProviderOptions } from './types'

declare const cca: ConfidentialClientApplication
declare const pca: PublicClientApplication
declare const options: MsalNodeProviderOptions

expectTypeOf(fromMsalNode(cca, { flow: 'clientCredentials' })).toEqualTypeOf<TokenProvider>()
expectTypeOf(
  fromMsalNode(cca, { flow: 'onBehalfOf', assertion: async () => 'token' }),
).toEqualTypeOf<TokenProvider>()
expectTypeOf(
  fromMsalNode(cca, { flow: 'silent', account: async () => null }),
).toEqualTypeOf<TokenProvider>()
expectTypeOf(
  fromMsalNode(pca, { flow: 'silent', account: () => pca.getAllAccounts().then((a) => a[0]) }),
).toEqualTypeOf<TokenProvider>()
expectTypeOf(fromMsalNode(cca, options)).toEqualTypeOf<TokenProvider>()

// @ts-expect-error a public client cannot run client credentials
fromMsalNode(pca, { flow: 'clientCredentials' })
// @ts-expect-error a public client cannot run on-behalf-of
fromMsalNode(pca, { flow: 'onBehalfOf', assertion: 'token' })
// @ts-expect-error on-behalf-of needs an assertion
fromMsalNode(cca, { flow: 'onBehalfOf' })
// @ts-expect-error silent needs an account
fromMsalNode(cca, { flow: 'silent' })
// @ts-expect-error unknown flow
fromMsalNode(cca, { flow: 'deviceCode' })
// @ts-expect-error the union of options needs an app that runs every flow
fromMsalNode(pca, options)
