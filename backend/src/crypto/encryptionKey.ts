import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config.ts';
import { privateDir } from '../dataDir.ts';
import type { Logger } from '../logger.ts';

/**
 * TOKEN_ENCRYPTION_KEY when set. On the embedded database only (the trial: one process, its data
 * in DATA_DIR), a key generated once into DATA_DIR (readable by this user only) so local data
 * survives restarts; a key file group or others can read is refused. With a database server a key is required: config refuses to start without
 * one, and this refuses again, so no process ever seals shared data with a key of its own.
 */
export function encryptionKeys(options: {
  configured: string | undefined;
  dataDir: string;
  databaseUrl?: string | undefined;
  logger: Logger;
}): string {
  if (options.configured) return options.configured;
  if (options.databaseUrl) {
    throw new ConfigError('TOKEN_ENCRYPTION_KEY is required when DATABASE_URL is set (32 random bytes, base64).');
  }
  const file = path.join(options.dataDir, 'token-encryption.key');
  if (fs.existsSync(file)) {
    // Whoever reads the key opens every sealed token of a copy of the database.
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o044) {
      throw new ConfigError(
        `${file} can be read by group or others (mode ${mode.toString(8)}): make it this user's only (chmod 600).`,
      );
    }
    return fs.readFileSync(file, 'utf8').trim();
  }
  privateDir(options.dataDir);
  const key = randomBytes(32).toString('base64');
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  options.logger.warn(
    { file },
    'TOKEN_ENCRYPTION_KEY is not set: generated a key for the embedded database into DATA_DIR. ' +
      'Set TOKEN_ENCRYPTION_KEY with a database server.',
  );
  return key;
}
