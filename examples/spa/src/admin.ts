/**
 * The emulator admin panel: one button per CAE event. Each calls the emulator's HTTP admin
 * (`POST <adminUrl>/<op>` with a JSON body), exactly what a test does through `emulator.admin`.
 */
import type { SpaConfig } from './config'

/** One CAE event the emulator can fire. */
export interface AdminAction {
  /** `data-testid` of the button: `admin-<id>`. */
  id: string
  label: string
  /** What the user will see on the next API call. */
  hint: string
  /** Kebab-case admin operation, appended to the admin URL. */
  op: string
  body: Record<string, unknown>
}

/** The panel's actions for the configured demo user. */
export function adminActions(config: SpaConfig): AdminAction[] {
  const username = config.demoUser.username
  return [
    {
      id: 'revoke-sessions',
      label: 'Revoke sessions',
      hint: 'Sign-in popup, then the call is replayed',
      op: 'revoke-sessions',
      body: { username },
    },
    {
      id: 'reset-password',
      label: 'Reset password',
      hint: `Sign in with the new password "${config.demoUser.newPassword}"`,
      op: 'reset-password',
      body: { username, password: config.demoUser.newPassword },
    },
    {
      id: 'require-mfa',
      label: 'Require MFA',
      hint: `Sign in and enter the code ${config.demoUser.mfaCode}`,
      op: 'require-mfa',
      body: { username },
    },
    {
      id: 'raise-risk',
      label: 'Raise user risk',
      hint: 'Sign-in popup (risky user must re-authenticate)',
      op: 'raise-user-risk',
      body: { username },
    },
    {
      id: 'leave-location',
      label: 'IP seen differently: silent',
      hint: 'Entra and the API see different IPs: a one-hour token, no popup, the call replayed',
      op: 'leave-trusted-location',
      body: {},
    },
    {
      id: 'leave-location-blocked',
      label: 'Left the allowed network: blocked',
      hint: 'Conditional Access refuses every token (AADSTS53003): "blocked", no popup, no retry',
      op: 'leave-trusted-location',
      body: { enforcement: 'block' },
    },
    {
      id: 'require-auth-context',
      label: 'Require auth context on /messages',
      hint: 'Step-up (acrs c1) only for /messages; /me keeps working',
      op: 'require-auth-context',
      body: { pathPrefix: '/messages', authContext: 'c1' },
    },
    {
      id: 'disable-user',
      label: 'Disable user',
      hint: 'The sign-in is refused, then a clear "blocked" message; no retry loop',
      op: 'disable-user',
      body: { username },
    },
  ]
}

/**
 * Fires an admin operation.
 *
 * @throws Error with the emulator's status when the operation is refused.
 */
export async function runAdmin(adminUrl: string, op: string, body: Record<string, unknown>) {
  const response = await fetch(`${adminUrl}/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) {
    throw new Error(`admin ${op} answered ${response.status}: ${await response.text()}`)
  }
}
