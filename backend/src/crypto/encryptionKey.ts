import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.ts';

/**
 * TOKEN_ENCRYPTION_KEY when set. In development without one, a key generated once into
 * DATA_DIR (readable by this user only) so local data survives restarts; production without a
 * key never gets here (config refuses to start).
 */
export function encryptionKeys(options: { configured: string | undefined; dataDir: string; logger: Logger }): string {
  if (options.configured) return options.configured;
  const file = path.join(options.dataDir, 'token-encryption.key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(options.dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  options.logger.warn(
    { file },
    'TOKEN_ENCRYPTION_KEY is not set: generated a development key into DATA_DIR. Set TOKEN_ENCRYPTION_KEY in production.',
  );
  return key;
}
