import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@jest/globals';
import { ConfigError } from '../../../backend/src/config.ts';
import { encryptionKeys } from '../../../backend/src/crypto/encryptionKey.ts';
import { memoryLogger } from '../../support/logger.ts';

const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-key-'));

test('with a database server and no key, no key is generated: it refuses, and writes nothing', () => {
  const dir = dataDir();
  const { logger } = memoryLogger();
  expect(() =>
    encryptionKeys({ configured: undefined, dataDir: dir, databaseUrl: 'postgres://app@db.internal/app', logger }),
  ).toThrow(ConfigError);
  expect(fs.readdirSync(dir)).toEqual([]);
});

test('the embedded trial generates one key into DATA_DIR, readable by this user only, and keeps it across restarts', () => {
  const dir = dataDir();
  const log = memoryLogger();
  const first = encryptionKeys({ configured: undefined, dataDir: dir, logger: log.logger });
  expect(Buffer.from(first, 'base64')).toHaveLength(32);
  expect(fs.statSync(path.join(dir, 'token-encryption.key')).mode & 0o777).toBe(0o600);
  expect(encryptionKeys({ configured: undefined, dataDir: dir, logger: log.logger })).toBe(first);
  expect(log.text()).not.toContain(first);
  // A configured key (ring) wins, with or without a database server.
  expect(
    encryptionKeys({
      configured: 'a2V5',
      dataDir: dir,
      databaseUrl: 'postgres://app@db.internal/app',
      logger: log.logger,
    }),
  ).toBe('a2V5');
});
