// MSAL v5 redirect URI page: hands the authorization response to the popup opener, the hidden
// iframe's parent, or (redirect flow) navigates back to the page that started the sign-in.
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge'

void broadcastResponseToMainFrame()
