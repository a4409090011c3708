import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PasswordSchema = z
  .string()
  .min(10, { message: 'password.tooShort' })
  .max(200, { message: 'password.tooLong' })
  .refine((p) => /[A-Za-z]/.test(p) && /[0-9]/.test(p), { message: 'password.lettersAndDigits' });

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A random password that passes the policy, for new users and resets. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const digits = '23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  const letters = Array.from(bytes.slice(0, 10), (b) => alphabet[b % alphabet.length]).join('');
  const numbers = Array.from(bytes.slice(10), (b) => digits[b % digits.length]).join('');
  return `${letters.slice(0, 5)}-${numbers}-${letters.slice(5)}`;
}
