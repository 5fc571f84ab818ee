/**
 * Entries at rest: AES-256-GCM with a random 96-bit IV per entry, the entry's Redis key as
 * additional data (an entry copied under another partition's key does not decrypt), or plain
 * text without a key.
 *
 * @module
 */

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { sha256 } from './keys'

/** Seals and opens entry payloads. */
export interface Cipher {
  /**
   * Names the key in each entry (`plain` without one): a process reading an entry sealed under
   * another key treats it as absent. The first 16 hex digits of SHA-256 of the key: names it,
   * reveals nothing of it.
   */
  readonly keyId: string
  seal(plaintext: string, key: string): string
  /** The plaintext, or undefined when it does not decrypt (another key, tampering). */
  open(sealed: string, key: string): string | undefined
}

const IV_BYTES = 12
const TAG_BYTES = 16

/** The plain-text "cipher": entries readable by anyone with access to the Redis. */
export const plainText: Cipher = {
  keyId: 'plain',
  seal: (plaintext) => plaintext,
  open: (sealed) => sealed,
}

/** AES-256-GCM under a 32-byte `key`. */
export function aesGcm(key: Uint8Array): Cipher {
  const secret = Buffer.from(key)
  return {
    keyId: sha256(secret.toString('base64')).slice(0, 16),
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', secret, iv)
      cipher.setAAD(Buffer.from(aad, 'utf8'))
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')
    },
    open(sealed, aad) {
      const bytes = Buffer.from(sealed, 'base64')
      if (bytes.length < IV_BYTES + TAG_BYTES) return undefined
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, bytes.subarray(0, IV_BYTES))
        decipher.setAAD(Buffer.from(aad, 'utf8'))
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
        const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
      } catch {
        return undefined
      }
    },
  }
}
