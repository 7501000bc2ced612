import fs from 'node:fs';
import path from 'node:path';
import { SNAPSHOT_DIR_ENV, TEMPLATE_DATABASE_ENV, withServerAdmin } from './database.ts';

export default async function globalTeardown(): Promise<void> {
  const snapshot = process.env[SNAPSHOT_DIR_ENV];
  if (snapshot) fs.rmSync(path.dirname(snapshot), { recursive: true, force: true });
  const template = process.env[TEMPLATE_DATABASE_ENV];
  if (template) await withServerAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
}
