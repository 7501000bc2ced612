import path from 'node:path';
import { privateDir } from '../dataDir.ts';
import type { Database } from './database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/** PostgreSQL when a URL is given, else embedded PGlite with its files under dataDir. */
export function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
}): Promise<Database> | Database {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  privateDir(options.dataDir);
  return openPglite(path.join(options.dataDir, 'pglite'));
}
