// The embedded database keeps every portal's calls, transcripts and sealed tokens in DATA_DIR, and
// the trial's generated key next to them: none of it may be readable by other users of the machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ConfigError } from '../../../backend/src/config.ts';
import { encryptionKeys } from '../../../backend/src/crypto/encryptionKey.ts';
import { openDatabase } from '../../../backend/src/db/open.ts';
import { migrate } from '../../../backend/src/db/migrate.ts';
import { seededDataDir } from '../../support/database.ts';
import { describeEmbedded } from '../../support/describeEmbedded.ts';
import { memoryLogger } from '../../support/logger.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-files-'));
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
describeEmbedded("the embedded database's files", () => {
  let umask: number;
  // A common default: files 0644 and directories 0755 unless the code asks for less.
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });

  /** Every file and directory under `dir` whose group or others have any access, with its mode. */
  function open(dir: string): Array<[string, string]> {
    const found: Array<[string, string]> = [];
    for (const entry of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      const mode = modeOf(path.join(dir, entry));
      if (mode & 0o077) found.push([entry, mode.toString(8)]);
    }
    return found;
  }

  test('DATA_DIR, its pglite directory and every file in them are for this user only (0700, 0600)', async () => {
    const dataDir = path.join(tmp(), 'data');
    const { logger } = memoryLogger();
    encryptionKeys({ configured: undefined, dataDir, logger });
    const db = await openDatabase({ databaseUrl: undefined, dataDir });
    try {
      expect(open(dataDir)).toEqual([]);
      await migrate(db);
      await db.query('CHECKPOINT');
    } finally {
      await db.close();
    }
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(path.join(dataDir, 'pglite'))).toBe(0o700);
    expect(fs.readdirSync(path.join(dataDir, 'pglite')).length).toBeGreaterThan(5);
    expect(open(dataDir)).toEqual([]);
  });

  test('a DATA_DIR made before (0755) is closed at start', async () => {
    const dataDir = await seededDataDir('fathom-files-', 'initdb');
    fs.chmodSync(dataDir, 0o755);
    const db = await openDatabase({ databaseUrl: undefined, dataDir });
    await db.close();
    expect(modeOf(dataDir)).toBe(0o700);
  });

  test('the process refuses to start on a key file that group or others can read', () => {
    const dataDir = tmp();
    const file = path.join(dataDir, 'token-encryption.key');
    const { logger } = memoryLogger();
    fs.writeFileSync(file, `${Buffer.alloc(32, 7).toString('base64')}\n`);
    for (const mode of [0o644, 0o640, 0o604]) {
      fs.chmodSync(file, mode);
      expect(() => encryptionKeys({ configured: undefined, dataDir, logger })).toThrow(ConfigError);
    }
    fs.chmodSync(file, 0o600);
    expect(encryptionKeys({ configured: undefined, dataDir, logger })).toBe(Buffer.alloc(32, 7).toString('base64'));
  });
});
