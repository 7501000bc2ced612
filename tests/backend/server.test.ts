import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';
import { loadConfig } from '../../backend/src/config.ts';
import { MIGRATIONS_DIR, MigrationError, readMigrations } from '../../backend/src/db/migrate.ts';
import { readRepeatables } from '../../backend/src/db/repeatables.ts';
import { startServer } from '../../backend/src/server.ts';
import { seededDataDir } from '../support/database.ts';
import { describeEmbedded } from '../support/describeEmbedded.ts';
import { memoryLogger } from '../support/logger.ts';
import { scriptArgs } from '../support/mainProcess.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function tempDir(prefix: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describeEmbedded('the backend process on the embedded database', () => {
  test('starts on the embedded database with no server, answers /healthz and /readyz, and stops on SIGTERM', async () => {
    const dataDir = tempDir('fathom-data-');
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    delete env.DATABASE_URL;
    delete env.TEST_DATABASE_URL;
    // npm start's own command line: its Node flags decide how long the first start takes.
    const child = spawn(process.execPath, scriptArgs('start'), {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk) => (output += chunk));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 45 s:\n${output}`)), 45_000);
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /"port":(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const unknown = await fetch(`http://127.0.0.1:${port}/no-such-thing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'not_found', message: 'No such endpoint.' });

    const exitCode = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exitCode).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
  });

  test('a bad environment stops start-up with the variable named', async () => {
    const child = spawn(process.execPath, ['backend/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'not-a-port' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT/);
  });

  test('db:migrate applies the migrations once and then reports the database up to date', async () => {
    // A database as initdb leaves it (the first start's initdb is the test above's).
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: await seededDataDir('fathom-data-', 'initdb') };
    delete env.DATABASE_URL;
    delete env.TEST_DATABASE_URL;
    const run = () =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, ['backend/src/cli/migrate.ts'], {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.once('exit', (code) => resolve({ code, stdout }));
      });
    const first = await run();
    expect(first.code).toBe(0);
    // Every migration, the baseline first, then every file of db/functions, views, triggers and policies.
    const migrations = readMigrations().map((migration) => migration.name);
    expect(migrations[0]).toBe('001_baseline.sql');
    const repeatables = readRepeatables(path.join(MIGRATIONS_DIR, '..')).length;
    expect(first.stdout).toBe(
      `Applied: ${migrations.join('; ')}; ${repeatables} files of db/functions, views, triggers and policies\n`,
    );
    expect(await run()).toEqual({ code: 0, stdout: 'The database is up to date.\n' });
  });

  test('a failing migration stops start-up with an error naming the migration', async () => {
    const dir = tempDir('migrations-');
    for (const file of fs.readdirSync(MIGRATIONS_DIR))
      fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
    fs.writeFileSync(path.join(dir, '999_broken.sql'), 'SELECT no_such_function();');
    // The run's migrated database, so only the broken migration is left to apply.
    const config = loadConfig({ PORT: '0', DATA_DIR: await seededDataDir('fathom-data-') });
    const { logger } = memoryLogger();
    await expect(startServer({ config, logger, migrationsDir: dir })).rejects.toThrow(MigrationError);
    await expect(startServer({ config, logger, migrationsDir: dir })).rejects.toThrow(/999_broken\.sql failed/);
  });
});
