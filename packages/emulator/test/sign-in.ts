/** Drives the emulator's sign-in page without a browser: GET /authorize, submit the form, read the redirect. */
export type Credentials = { username?: string; password?: string; mfa?: string }

/** A one-cookie-per-name jar, enough for the emulator's session cookie. */
export class CookieJar {
  readonly cookies = new Map<string, string>()
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  store(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const index = pair.indexOf('=')
      const name = pair.slice(0, index)
      const value = pair.slice(index + 1)
      if (value === '' || /max-age=0/i.test(cookie)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
}

export type SignInResult = {
  /** Parameters returned to the redirect URI (query or fragment). */
  params: URLSearchParams
  /** Where the browser would land. */
  location: string
  /** The HTML pages shown on the way (testids tell which fields were asked). */
  pages: string[]
}

function field(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]
}

/**
 * Follows an authorize URL like a browser user: fills username/password when asked, the MFA code
 * when the MFA field appears, and returns the redirect parameters. Throws on an unexpected page.
 */
export async function signIn(
  fetcher: typeof fetch,
  authorizeUrl: string,
  credentials: Credentials,
  jar = new CookieJar(),
): Promise<SignInResult> {
  const pages: string[] = []
  let response = await fetcher(authorizeUrl, {
    redirect: 'manual',
    headers: { cookie: jar.header() },
  })
  for (let step = 0; step < 4; step++) {
    jar.store(response)
    const location = response.headers.get('location')
    if (response.status === 302 && location) {
      const url = new URL(location)
      const params = new URLSearchParams(url.hash ? url.hash.slice(1) : url.search)
      return { params, location, pages }
    }
    const html = await response.text()
    pages.push(html)
    const pending = field(html, 'pending')
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
    const error = /data-testid="login-error">([^<]*)</.exec(html)?.[1]
    if (pending === undefined) throw new Error(`sign-in stopped: ${error ?? html.slice(0, 200)}`)
    const form = new URLSearchParams({ pending: pending as string })
    if (html.includes('data-testid="login-password"')) {
      form.set('username', credentials.username ?? '')
      form.set('password', credentials.password ?? '')
    } else {
      form.set('username', field(html, 'username') ?? '')
    }
    if (html.includes('data-testid="login-mfa"')) form.set('mfa', credentials.mfa ?? '')
    if (error !== undefined) throw new Error(`sign-in failed: ${error}`)
    response = await fetcher(new URL(action as string, authorizeUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body: form,
    })
  }
  throw new Error('sign-in did not finish')
}
