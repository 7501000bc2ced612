import { ConfigError, loadConfig } from '../config.ts';
import { MigrationError, migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open.ts';

try {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    const { migrations, repeatables } = await migrate(db);
    const applied = [...migrations];
    if (repeatables.length) applied.push(`${repeatables.length} files of db/functions, views, triggers and policies`);
    console.log(applied.length ? `Applied: ${applied.join('; ')}` : 'The database is up to date.');
  } finally {
    await db.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof MigrationError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
