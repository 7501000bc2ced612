import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { encryptionKeys } from '../../../backend/src/crypto/encryptionKey.ts';
import { DecryptionFailed, KeyRingError, tokenCipher } from '../../../backend/src/crypto/tokenCipher.ts';
import { memoryLogger } from '../../support/logger.ts';

const key = () => randomBytes(32).toString('base64');

describe('tokens at rest', () => {
  test('round trip, with a fresh IV each time and no plaintext in the ciphertext', () => {
    const cipher = tokenCipher(key());
    const a = cipher.encrypt('secret-token-value', 'acct:hubspot:access_token');
    const b = cipher.encrypt('secret-token-value', 'acct:hubspot:access_token');
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.includes(Buffer.from('secret-token-value'))).toBe(false);
    expect(cipher.decrypt(a.keyId, a.ciphertext, 'acct:hubspot:access_token')).toBe('secret-token-value');
  });

  test('keys rotate: old values open with the ring, and only the newest key seals', () => {
    const [oldKey, newKey] = [key(), key()];
    const before = tokenCipher(oldKey).encrypt('t', 'ctx');
    const ring = tokenCipher(`${newKey},${oldKey}`);
    expect(ring.decrypt(before.keyId, before.ciphertext, 'ctx')).toBe('t');
    const after = ring.encrypt('t', 'ctx');
    expect(after.keyId).toBe(tokenCipher(newKey).encrypt('t', 'ctx').keyId);
    expect(after.keyId).not.toBe(before.keyId);
  });

  test('a tampered value, another row’s context or an unknown key does not open', () => {
    const cipher = tokenCipher(key());
    const sealed = cipher.encrypt('t', 'account-a:fathom:api_key');
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => cipher.decrypt(sealed.keyId, flipped, 'account-a:fathom:api_key')).toThrow(DecryptionFailed);
    expect(() => cipher.decrypt(sealed.keyId, sealed.ciphertext, 'account-b:fathom:api_key')).toThrow(DecryptionFailed);
    expect(() => cipher.decrypt('deadbeef', sealed.ciphertext, 'account-a:fathom:api_key')).toThrow(
      /No key with id deadbeef/,
    );
  });

  test('a key of the wrong length is refused naming the variable, never echoing the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => tokenCipher(short)).toThrow(KeyRingError);
    expect(() => tokenCipher(short)).toThrow(/TOKEN_ENCRYPTION_KEY: key 1 must be 32 bytes/);
    expect(() => tokenCipher(short)).not.toThrow(short);
  });

  test('in development without a key one is generated into DATA_DIR once, private, with a warning', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-key-'));
    const log = memoryLogger();
    const first = encryptionKeys({ configured: undefined, dataDir, logger: log.logger });
    const second = encryptionKeys({ configured: undefined, dataDir, logger: log.logger });
    expect(second).toBe(first);
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(fs.statSync(path.join(dataDir, 'token-encryption.key')).mode & 0o777).toBe(0o600);
    expect(log.lines().filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(log.text()).not.toContain(first);
  });
});
