/**
 * The MSAL redirect page. msal-browser 5 no longer polls the popup's URL: the page MSAL redirects
 * to must hand the authorization response back to the main window, or popups and silent iframes
 * time out (`timed_out`).
 */
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge'

broadcastResponseToMainFrame().catch((error: unknown) => {
  document.body.textContent = `Sign-in response could not be delivered: ${String(error)}`
})
