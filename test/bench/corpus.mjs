// The WWW-Authenticate corpus of the parser benchmark: the core package's vectors (RFC examples,
// Microsoft documentation), the challenges the emulator sends (captured live from an in-memory
// emulator, so they follow its code), shapes Graph, ARM, Key Vault, Storage, SharePoint and
// container registries send, and a few sloppy ones. Every value is a valid Headers value (no CR,
// LF or non-Latin-1), so each parser, including those that read a Response, sees the same text.
import { readFile } from 'node:fs/promises'
import {
  createEmulator,
  DEFAULT_DAEMON_CLIENT_ID,
  DEFAULT_DAEMON_CLIENT_SECRET,
} from '@cae-kit/emulator'

const VECTORS = new URL(
  '../../packages/core/src/__fixtures__/www-authenticate.json',
  import.meta.url,
)

const b64 = (text) => Buffer.from(text).toString('base64')
const b64url = (text) => Buffer.from(text).toString('base64url')
const NBF = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
const GRAPH = 'client_id="00000003-0000-0000-c000-000000000000"'
const AAD = 'authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"'
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'

/** Header values of the live in-memory emulator: missing token, and the app-token CAE events. */
async function emulatorChallenges() {
  const emulator = createEmulator()
  const origin = 'https://login.test'
  const { authority, apiUrl } = emulator.urls(origin)
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: DEFAULT_DAEMON_CLIENT_ID,
    client_secret: DEFAULT_DAEMON_CLIENT_SECRET,
    scope: emulator.apiScopes.app,
    claims: '{"access_token":{"xms_cc":{"values":["CP1"]}}}',
  })
  const token = async () => {
    const response = await emulator.handle(
      new Request(`${authority}/oauth2/v2.0/token`, { method: 'POST', body: form }),
    )
    return (await response.json()).access_token
  }
  const challenge = async (accessToken) => {
    const headers = accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }
    const response = await emulator.handle(new Request(`${apiUrl}/me`, { headers }))
    const value = response.headers.get('www-authenticate')
    if (response.status !== 401 || value === null) {
      throw new Error(`emulator answered ${response.status} without a challenge`)
    }
    return value
  }
  const out = [{ id: 'emu-missing', source: 'emulator: no token', header: await challenge() }]
  let current = await token()
  emulator.admin.leaveTrustedLocation()
  out.push({
    id: 'emu-location',
    source: 'emulator: leaveTrustedLocation',
    header: await challenge(current),
  })
  current = await token()
  emulator.admin.alwaysChallenge(true)
  out.push({
    id: 'emu-forced',
    source: 'emulator: alwaysChallenge',
    header: await challenge(current),
  })
  emulator.admin.alwaysChallenge(false)
  emulator.admin.disableServicePrincipal(DEFAULT_DAEMON_CLIENT_ID)
  out.push({
    id: 'emu-sp-disabled',
    source: 'emulator: disableServicePrincipal',
    header: await challenge(current),
  })
  return out
}

/** Shapes of Microsoft services and RFC examples that the vectors do not already hold. */
const EXTRA = [
  [
    'graph-cae',
    'Graph CAE (insufficient_claims)',
    `Bearer realm="", ${AAD}, ${GRAPH}, error="insufficient_claims", claims="${b64(NBF)}"`,
  ],
  [
    'graph-pop',
    'Graph PoP + Bearer (two challenges)',
    `PoP realm="", ${AAD}, ${GRAPH}, nonce="AAAAAAAAAAAAAAAAAAAAAA", Bearer realm="", ${AAD}, ${GRAPH}`,
  ],
  [
    'arm-cae',
    'ARM CAE (invalid_token with claims)',
    `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="User session has been revoked", claims="${b64(NBF)}"`,
  ],
  [
    'arm-missing',
    'ARM, no token',
    `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
  ],
  [
    'keyvault-scope',
    'Key Vault (authorization + scope)',
    `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net", scope="https://vault.azure.net/.default"`,
  ],
  [
    'storage',
    'Azure Storage (unquoted URLs, no comma)',
    `Bearer authorization_uri=https://login.microsoftonline.com/${TENANT}/oauth2/authorize resource_id=https://storage.azure.com`,
  ],
  [
    'sharepoint',
    'SharePoint (no spaces, commas inside a quoted value) + NTLM',
    `Bearer realm="${TENANT}",client_id="00000003-0000-0ff1-ce00-000000000000",trusted_issuers="00000001-0000-0000-c000-000000000000@*,https://sts.windows.net/*/,00000003-0000-0ff1-ce00-000000000000@90140122-8516-11e1-8eff-49304924019b",authorization_uri="https://login.windows.net/common/oauth2/authorize", NTLM`,
  ],
  [
    'acr',
    'Container registry (Docker token auth)',
    'Bearer realm="https://contoso.azurecr.io/oauth2/token",service="contoso.azurecr.io",scope="repository:samples/hello-world:pull"',
  ],
  [
    'rfc9110',
    'RFC 9110 §11.6.1 (escaped quotes, unquoted token)',
    'Basic realm="simple", Newauth realm="apps", type=1, title="Login to \\"apps\\""',
  ],
  [
    'rfc7616',
    'RFC 7616 §3.9.1 Digest (comma inside a quoted value)',
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  ],
  [
    'rfc6750-scope',
    'RFC 6750 §3 insufficient_scope',
    'Bearer realm="example", error="insufficient_scope", scope="openid profile"',
  ],
  [
    'negotiate',
    'Negotiate token68 + Basic',
    'Negotiate oYH1MIHyoAMKAQChCwYJKoZIgvcSAQICooHdBIHa==, Basic realm="corp"',
  ],
  [
    'sloppy-space',
    'sloppy: lowercase scheme, spaces around "=", leading comma',
    `, bearer  error = "insufficient_claims" ,claims= "${b64(NBF)}"`,
  ],
  [
    'sloppy-case',
    'sloppy: uppercase parameter names',
    `BEARER Error="insufficient_claims", Claims="${b64(NBF)}"`,
  ],
  [
    'sloppy-unquoted',
    'sloppy: unquoted base64 claims with padding',
    `Bearer error=insufficient_claims, claims=${b64('{"access_token":{"nbf":{"essential":true,"value":"17000"}}}')}`,
  ],
  [
    'sloppy-base64url',
    'sloppy: base64url claims',
    `Bearer error="insufficient_claims", claims="${b64url('{"access_token":{"xms_cc":{"values":["cp1?"]}}}')}"`,
  ],
  [
    'sloppy-escaped',
    'sloppy: escaped quotes in a description',
    `Bearer error="invalid_token", error_description="token \\"abc\\" was revoked", claims="${b64(NBF)}"`,
  ],
  [
    'sloppy-unterminated',
    'sloppy: unterminated quoted value',
    'Bearer error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4i',
  ],
  [
    'sloppy-duplicate',
    'sloppy: duplicate parameter',
    `Bearer error="invalid_token", error="insufficient_claims", claims="${b64(NBF)}"`,
  ],
]

/** The corpus: `[{ id, source, header }]`, vectors first. */
export async function loadCorpus() {
  const vectors = JSON.parse(await readFile(VECTORS, 'utf8')).map((v) => ({
    id: v.id,
    source: v.source,
    header: v.header,
  }))
  const extra = EXTRA.map(([id, source, header]) => ({ id, source, header }))
  return [...vectors, ...(await emulatorChallenges()), ...extra]
}
