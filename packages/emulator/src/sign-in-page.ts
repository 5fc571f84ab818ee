/**
 * HTML of the sign-in flow: plain, accessible, no external resources, stable data-testids
 * (`login-username`, `login-password`, `login-mfa`, `login-submit`, `login-error`, `login-return`).
 */
import { escapeHtml as e } from './util'

const STYLE = `body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;padding:2rem}
main{max-width:24rem;margin:auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 3px #0003}
label{display:block;margin-top:1rem;font-weight:600}input{width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem}
button,a.button{margin-top:1.5rem;padding:.6rem 1.2rem;background:#0f6cbd;color:#fff;border:0;border-radius:.25rem;display:inline-block;text-decoration:none}
[role=alert]{color:#a4262c;margin-top:1rem}.note{color:#555;font-size:.85rem;margin-top:1.5rem}`

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`
}

export type SignInPage = {
  action: string
  pendingId: string
  appName: string
  username?: string
  /** Username is fixed (password verified or existing session): no password field. */
  stepUp: boolean
  showMfa: boolean
  /** Why a second factor is asked, shown above the code field. */
  mfaReason?: string
  mfaCode: string
  error?: string
}

/** The sign-in form. The MFA field is present only when a second factor is required. */
export function renderSignIn(input: SignInPage): string {
  const username = input.username ?? ''
  const fields = [
    `<label for="username">Email</label><input id="username" name="username" type="email" autocomplete="username" data-testid="login-username" value="${e(username)}"${input.stepUp ? ' readonly' : ' required'}>`,
  ]
  if (!input.stepUp) {
    fields.push(
      '<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" data-testid="login-password" required>',
    )
  }
  if (input.showMfa) {
    fields.push(
      `<p>${e(input.mfaReason ?? 'Additional verification is required.')}</p><label for="mfa">Verification code</label><input id="mfa" name="mfa" inputmode="numeric" autocomplete="one-time-code" data-testid="login-mfa" required aria-describedby="mfa-note"><p class="note" id="mfa-note">Emulator: the code is ${e(input.mfaCode)}.</p>`,
    )
  }
  const error = input.error ? `<p role="alert" data-testid="login-error">${e(input.error)}</p>` : ''
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>to continue to <strong>${e(input.appName)}</strong></p>${error}<form method="post" action="${e(input.action)}"><input type="hidden" name="pending" value="${e(input.pendingId)}">${fields.join('')}<button type="submit" data-testid="login-submit">${input.showMfa ? 'Verify' : 'Sign in'}</button></form><p class="note">CAE emulator: a local test identity provider.</p>`,
  )
}

/** Where the "return to the application" control sends an OAuth error. */
export type ReturnTarget =
  | { kind: 'link'; href: string }
  | { kind: 'form'; action: string; params: Record<string, string> }

function hiddenFields(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`)
    .join('')
}

/** An error page; with a target, a control returns the OAuth error to the app. */
export function renderError(title: string, message: string, target?: ReturnTarget): string {
  let control = ''
  if (target?.kind === 'link') {
    control = `<a class="button" data-testid="login-return" href="${e(target.href)}">Return to the application</a>`
  } else if (target?.kind === 'form') {
    control = `<form method="post" action="${e(target.action)}">${hiddenFields(target.params)}<button type="submit" data-testid="login-return">Return to the application</button></form>`
  }
  return page(
    title,
    `<h1>${e(title)}</h1><p role="alert" data-testid="login-error">${e(message)}</p>${control}`,
  )
}

/** response_mode=form_post: posts the response to the redirect URI on load. */
export function renderFormPost(action: string, params: Record<string, string>): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head><body onload="document.forms[0].submit()"><form method="post" action="${e(action)}">${hiddenFields(params)}<noscript><button type="submit">Continue</button></noscript></form></body></html>`
}

/** Shown after logout when there is no post-logout redirect. */
export function renderSignedOut(): string {
  return page(
    'Signed out',
    '<h1>You signed out of your account</h1><p>You can close this window.</p>',
  )
}
