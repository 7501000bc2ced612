import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Sealer } from './sealer.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class KeyRingError extends Error {
  override name = 'KeyRingError';
}

export class DecryptionFailed extends Error {
  override name = 'DecryptionFailed';
}

type Key = { id: string; key: Buffer };

/** A short, stable name for a key that reveals nothing about it. */
const keyIdOf = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * AES-256-GCM with a ring of keys, newest first: new values are sealed with the newest key;
 * values sealed with any key of the ring still open, so keys rotate without a migration.
 * A sealed value is iv ‖ tag ‖ ciphertext; the context (row and column) is the additional
 * authenticated data, so a ciphertext moved to another tenant's row does not open.
 */
export function tokenCipher(encodedKeys: string): Sealer {
  const keys: Key[] = encodedKeys
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((encoded, index) => {
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== 32) {
        throw new KeyRingError(
          `TOKEN_ENCRYPTION_KEY: key ${index + 1} must be 32 bytes, base64-encoded (it decodes to ${key.length} bytes)`,
        );
      }
      return { id: keyIdOf(key), key };
    });
  const newest = keys[0];
  if (!newest) throw new KeyRingError('TOKEN_ENCRYPTION_KEY: no key given');
  const byId = new Map(keys.map((k) => [k.id, k]));

  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', newest.key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return { keyId: newest.id, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]) };
    },
    decrypt(keyId, sealed, context) {
      const entry = byId.get(keyId);
      if (!entry)
        throw new DecryptionFailed(
          `No key with id ${keyId} in TOKEN_ENCRYPTION_KEY: was an old key removed too early?`,
        );
      if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionFailed('The sealed value is truncated.');
      try {
        const decipher = createDecipheriv('aes-256-gcm', entry.key, sealed.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new DecryptionFailed('The sealed value does not open with its key and context: it was altered or moved.');
      }
    },
  };
}
