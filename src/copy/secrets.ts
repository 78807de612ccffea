import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'crypto';

/**
 * Followers' secrets: API tokens (random, stored as SHA-256) and agent keys (AES-256-GCM under
 * COPY_KEY_ENCRYPTION_KEY). Nest-free; nothing here logs.
 */

const TOKEN_PREFIX = 'tsf_';
const ENC_VERSION = 'v1';

export const AGENT_KEY_PATTERN = /^0x[0-9a-fA-F]{64}$/;

export function newFollowerToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `0x` + 32 hex, random (never a small integer: the SDK would send it as an oid). */
export function newCloid(): string {
  const bytes = randomBytes(16);
  bytes[0] |= 0x10;
  return `0x${bytes.toString('hex')}`;
}

function keyBytes(hexKey: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hexKey)) throw new Error('COPY_KEY_ENCRYPTION_KEY must be 64 hex characters');
  return Buffer.from(hexKey, 'hex');
}

/** `v1:<iv>:<tag>:<ciphertext>` (base64url parts). */
export function encryptSecret(hexKey: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes(hexKey), iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [ENC_VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

/** Throws (without the secret in the message) when the key does not decrypt it. */
export function decryptSecret(hexKey: string, sealed: string): string {
  const [version, iv, tag, ct] = sealed.split(':');
  if (version !== ENC_VERSION || !iv || !tag || !ct) throw new Error('sealed secret has an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', keyBytes(hexKey), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('COPY_KEY_ENCRYPTION_KEY does not decrypt a stored agent key');
  }
}
