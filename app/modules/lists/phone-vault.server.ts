import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { dataKeyRing, decryptString, encryptString } from '../../utils/data-key.server';
import { maskPhone } from './phone';

// Phone numbers at rest: AES-256-GCM ciphertext (to dial), an HMAC (to deduplicate and match the
// do-not-call list without decrypting), and the masked form (to display). Only the server decrypts,
// and only to dial or for a permitted, audited "show number".

let lookupKey: { bytes: Buffer; key: KeyObject } | undefined;

/**
 * A separate key for lookups (derived from the first data key, and kept as it was through key
 * rotations — see data-key.server.ts), so the HMAC reveals nothing about the data key.
 */
function phoneLookupKey(): KeyObject {
  const bytes = dataKeyRing().lookup;
  if (lookupKey?.bytes !== bytes) lookupKey = { bytes, key: createSecretKey(bytes) };
  return lookupKey.key;
}

export function phoneHash(e164: string): string {
  return createHmac('sha256', phoneLookupKey()).update(e164).digest('base64url');
}

export interface SealedPhone {
  hash: string;
  cipher: string;
  masked: string;
}

export function sealPhone(e164: string): SealedPhone {
  return { hash: phoneHash(e164), cipher: encryptString(e164), masked: maskPhone(e164) };
}

/** The full number. Callers: the dialer, and the audited unmask action — never a loader an agent can reach. */
export function revealPhone(cipher: string): string {
  return decryptString(cipher);
}

/**
 * A tokenised contact: the business system keeps the number and gives a token (and possibly its own
 * hash of the number). Dedup and do-not-call match on that hash, or on an HMAC of the token.
 */
export function sealToken(token: string, systemHash?: string): { hash: string; cipher: null; masked: string } {
  const hash = systemHash
    ? `sys:${systemHash}`
    : `tok:${createHmac('sha256', phoneLookupKey()).update(token).digest('base64url')}`;
  return { hash, cipher: null, masked: `token …${token.slice(-4)}` };
}
