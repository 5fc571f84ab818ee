/** The HTTPS certificate: generated locally (selfsigned), optionally persisted and reused. */
import { createHash, X509Certificate } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generate } from 'selfsigned'

/** A PEM certificate and its private key. */
export type TlsCertificate = { cert: string; key: string }

const DAY_MS = 86_400_000

/**
 * Generates a self-signed certificate for `localhost`, `127.0.0.1` and `::1` (ECDSA P-256,
 * SHA-256, one year; EC keeps start-up fast, RSA key generation takes up to a second). No network
 * access. The certificate is its own trust anchor: pass it as `ca`.
 */
export async function generateCertificate(): Promise<TlsCertificate> {
  const now = Date.now()
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 365 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  })
  return { cert: pems.cert, key: pems.private }
}

/** Whether a stored certificate can be reused: parsable, covers localhost, valid for a day more. */
function isReusable(pem: string): boolean {
  try {
    const cert = new X509Certificate(pem)
    const validTo = Date.parse(cert.validTo)
    return (cert.subjectAltName ?? '').includes('DNS:localhost') && validTo - Date.now() > DAY_MS
  } catch {
    return false
  }
}

/**
 * Reads `cert.pem` and `key.pem` from `dir`, or generates and writes them (key mode 0600) when
 * missing, unparsable or about to expire. Reusing keeps trust settings (NODE_EXTRA_CA_CERTS,
 * the Chromium SPKI hash) valid between runs.
 */
export async function loadOrCreateCertificate(
  dir: string,
): Promise<TlsCertificate & { certPath: string; created: boolean }> {
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')])
    if (isReusable(cert)) return { cert, key, certPath, created: false }
  } catch {
    // missing: generate below
  }
  const fresh = await generateCertificate()
  await mkdir(dir, { recursive: true })
  await writeFile(keyPath, fresh.key, { mode: 0o600 })
  await writeFile(certPath, fresh.cert)
  return { ...fresh, certPath, created: true }
}

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo (Chromium `--ignore-certificate-errors-spki-list`). */
export function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(spki).digest('base64')
}
