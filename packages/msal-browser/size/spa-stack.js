// What a single-page app imports from cae-kit (axios + MSAL Browser), measured by size-limit as
// the app's bundler sees it: package exports resolved with the `browser` condition.
export { attachCae } from '@cae-kit/axios'
export { fromMsalBrowser, resumeAfterRedirect } from '@cae-kit/msal-browser'
