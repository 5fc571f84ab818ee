/** The HTTPS certificate: generated locally (selfsigned), optionally persisted and reused. */
import { createHash, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto'
import { chmod, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises'
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
  const pems = await selfSigned('localhost', { keyType: 'ec', curve: 'P-256' }, [
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ])
  return { cert: pems.cert, key: pems.private }
}

type GenerateOptions = NonNullable<Parameters<typeof generate>[1]>

/** A self-signed end-entity certificate (SHA-256, valid from yesterday for a year). */
function selfSigned(
  commonName: string,
  key: Pick<GenerateOptions, 'keyType' | 'curve' | 'keySize'>,
  extensions: NonNullable<GenerateOptions['extensions']> = [],
) {
  const now = Date.now()
  return generate([{ name: 'commonName', value: commonName }], {
    ...key,
    algorithm: 'sha256',
    notBeforeDate: new Date(now - DAY_MS),
    notAfterDate: new Date(now + 365 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      ...extensions,
    ],
  })
}

/**
 * Whether a stored pair can be reused: the certificate parses, covers localhost, is valid for a
 * day more, and the key is its key.
 */
function isReusable({ cert, key }: TlsCertificate): boolean {
  try {
    const x509 = new X509Certificate(cert)
    const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' })
    return (
      (x509.subjectAltName ?? '').includes('DNS:localhost') &&
      Date.parse(x509.validTo) - Date.now() > DAY_MS &&
      spki(x509.publicKey).equals(spki(createPublicKey(key)))
    )
  } catch {
    return false
  }
}

/** The pair stored in `dir`, or `undefined` when a file is missing. */
async function readPair(certPath: string, keyPath: string): Promise<TlsCertificate | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')])
    return { cert, key }
  } catch {
    return undefined
  }
}

/**
 * Runs `fn` holding `dir/.lock` (created exclusively), so that processes starting at once with
 * one `certDir` (test workers, the CLI) write one pair, not two interleaved. A lock older than
 * 10 s is taken over (its holder died).
 */
async function withDirLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.lock')
  for (let waited = 0; ; waited += 50) {
    try {
      await (await open(lock, 'wx')).close()
      break
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error
      if (waited >= 10_000) await rm(lock, { force: true })
      else await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lock, { force: true })
  }
}

/**
 * Reads `cert.pem` and `key.pem` from `dir`, or generates and writes them (key mode 0600) when
 * missing, unparsable, mismatched or about to expire. Reusing keeps trust settings
 * (NODE_EXTRA_CA_CERTS, the Chromium SPKI hash) valid between runs; starters racing on an empty
 * `dir` all end up with the pair on disk.
 */
export async function loadOrCreateCertificate(
  dir: string,
): Promise<TlsCertificate & { certPath: string; created: boolean }> {
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  const stored = await readPair(certPath, keyPath)
  if (stored && isReusable(stored)) return { ...stored, certPath, created: false }
  await mkdir(dir, { recursive: true })
  return withDirLock(dir, async () => {
    // Another starter may have written a good pair while this one waited for the lock.
    const current = await readPair(certPath, keyPath)
    if (current && isReusable(current)) return { ...current, certPath, created: false }
    const fresh = await generateCertificate()
    // `mode` applies only when the file is created: a replaced key keeps the old file's mode.
    await writeFile(keyPath, fresh.key, { mode: 0o600 })
    await chmod(keyPath, 0o600)
    await writeFile(certPath, fresh.cert)
    return { ...fresh, certPath, created: true }
  })
}

/** A client certificate for `auth.clientCertificate` of msal-node, and its registration. */
export type ClientCertificate = {
  /** PEM certificate: register it in the client's `certificates`. */
  cert: string
  /** PEM private key (PKCS#8): msal-node `clientCertificate.privateKey`. */
  key: string
  /** Hex SHA-256 of the certificate: msal-node `clientCertificate.thumbprintSha256`. */
  thumbprintSha256: string
  /** Hex SHA-1 of the certificate: msal-node `clientCertificate.thumbprint` (RS256, legacy). */
  thumbprint: string
}

/**
 * Generates a self-signed RSA 2048 certificate for a confidential client (a daemon or middle tier
 * that proves itself with a certificate instead of a secret). Register `cert` on a client, give
 * MSAL `key` and `thumbprintSha256`. Takes up to a second (RSA key generation); no network.
 */
export async function generateClientCertificate(
  subject = 'cae-kit emulator client',
): Promise<ClientCertificate> {
  const pems = await selfSigned(subject, { keyType: 'rsa', keySize: 2048 })
  const x509 = new X509Certificate(pems.cert)
  const hex = (fingerprint: string) => fingerprint.replaceAll(':', '').toLowerCase()
  return {
    cert: pems.cert,
    key: pems.private,
    thumbprintSha256: hex(x509.fingerprint256),
    thumbprint: hex(x509.fingerprint),
  }
}

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo (Chromium `--ignore-certificate-errors-spki-list`). */
export function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(spki).digest('base64')
}
