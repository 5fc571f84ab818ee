/**
 * The SPA stack as a browser app writes it (the root README's "axios in a SPA"): bundled by
 * bundle.mjs for the browser and type-checked with NodeNext and Bundler resolution.
 */
import { PublicClientApplication } from '@azure/msal-browser'
import { attachCae } from '@cae-kit/axios'
import { isCaeError } from '@cae-kit/core'
import { fromMsalBrowser, resumeAfterRedirect } from '@cae-kit/msal-browser'
import axios, { type AxiosInstance } from 'axios'

/** Signs in through MSAL, resumes requests left by a redirect, returns a CAE-aware axios. */
export async function startSpa(clientId: string, authority: string): Promise<AxiosInstance> {
  const pca = new PublicClientApplication({
    auth: { clientId, authority, clientCapabilities: ['CP1'] },
  })
  await pca.initialize()
  await resumeAfterRedirect(pca)
  const api = axios.create({ baseURL: 'https://graph.microsoft.com/v1.0' })
  attachCae(api, {
    tokenProvider: fromMsalBrowser(pca, { interaction: 'redirect' }),
    resources: [{ url: 'https://graph.microsoft.com', scopes: ['User.Read'] }],
  })
  return api
}

/** The stable code of a cae-kit error, or undefined for any other failure. */
export function caeCode(error: unknown): string | undefined {
  return isCaeError(error) ? error.code : undefined
}
