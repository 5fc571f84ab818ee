/** Reads the OIDC `claims` request parameter the way Entra does for the parts the emulator honours. */

export type ClaimsRequest = {
  /** The parameter as received (JSON text), when present and non-empty. */
  raw?: string
  /** `access_token.xms_cc.values`: client capabilities, e.g. `['CP1']`. */
  capabilities: string[]
  /** `access_token.nbf.value`: the token must be issued at or after this epoch second. */
  nbf?: number
  /** `access_token.acrs.value(s)`: authentication contexts the token must carry. */
  acrs: string[]
}

type ClaimsResult = { ok: true; claims: ClaimsRequest } | { ok: false; description: string }

function values(entry: unknown): string[] {
  if (!entry || typeof entry !== 'object') return []
  const { value, values: list } = entry as { value?: unknown; values?: unknown }
  const all = Array.isArray(list) ? list : list === undefined ? [] : [list]
  if (value !== undefined) all.push(value)
  return all.filter((v): v is string => typeof v === 'string' && v.length > 0)
}

/**
 * Parses `claims`. MSAL always sends it on /authorize, code and refresh redemption (merging
 * `xms_cc` and optional `id_token` claims), so absent, empty and `{}` are all "no claims".
 */
export function parseClaimsRequest(raw: string | null | undefined): ClaimsResult {
  if (raw === null || raw === undefined || raw.trim() === '') {
    return { ok: true, claims: { capabilities: [], acrs: [] } }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    return { ok: false, description: "AADSTS90014: The 'claims' parameter is not valid JSON." }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, description: "AADSTS90014: The 'claims' parameter must be a JSON object." }
  }
  const accessToken = (parsed as { access_token?: Record<string, unknown> }).access_token ?? {}
  const nbfValue = values(accessToken.nbf)[0]
  const nbf = nbfValue === undefined ? undefined : Number(nbfValue)
  const claims: ClaimsRequest = {
    raw,
    capabilities: values(accessToken.xms_cc),
    acrs: values(accessToken.acrs),
  }
  if (nbf !== undefined && Number.isFinite(nbf)) claims.nbf = nbf
  return { ok: true, claims }
}

/** Whether the capabilities make the client CAE-capable. */
export function isCaeCapable(capabilities: readonly string[]): boolean {
  return capabilities.some((c) => c.toUpperCase() === 'CP1')
}
