import { ConfigError, loadConfig, type Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { MigrationError, migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';

/** Runs a command-line task on the configured database (migrated first); clear errors, exit codes. */
export async function runWithDatabase(task: (db: Database, config: Config) => Promise<void>): Promise<void> {
  let db: Database | undefined;
  try {
    const config = loadConfig();
    db = await openDatabase(config);
    await migrate(db);
    await task(db, config);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof MigrationError || (error as { status?: number }).status) {
      console.error((error as Error).message);
      process.exitCode = 1;
    } else {
      throw error;
    }
  } finally {
    await db?.close();
  }
}
