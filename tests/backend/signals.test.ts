import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createEmptyDatabase, engine, seededDataDir, type TestDatabase } from '../support/database.ts';
import { startMainProcess, type MainProcess } from '../support/mainProcess.ts';

// `npm start` as a process of its own, stopped by signals as an orchestrator or a person stops it.
let server: TestDatabase | undefined;
let env: Record<string, string>;
const started: MainProcess[] = [];

beforeAll(async () => {
  server = engine === 'postgres' ? await createEmptyDatabase() : undefined;
  env = {
    DATABASE_URL: server?.url ?? '',
    // One data directory for every start.
    DATA_DIR: await seededDataDir('fathom-signals-'),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
}, 60_000);

afterAll(async () => {
  for (const process of started) if (process.child.exitCode === null) process.child.kill('SIGKILL');
  await Promise.all(started.map((process) => process.exited));
  await server?.drop();
  fs.rmSync(env.DATA_DIR!, { recursive: true, force: true });
});

const status = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as unknown };
};

/** `npm start`, once it listens and answers ready. */
async function start(extra: Record<string, string>): Promise<MainProcess> {
  const process = await startMainProcess({ ...env, ...extra });
  started.push(process);
  expect(await status(`${process.url}/readyz`)).toEqual({ status: 200, body: { status: 'ready' } });
  return process;
}

describe('npm start on signals', () => {
  test('SIGTERM turns /readyz to 503 at once, keeps serving through the drain delay, then exits 0', async () => {
    const backend = await start({ SHUTDOWN_DRAIN_SECONDS: '2' });

    const signalled = Date.now();
    backend.child.kill('SIGTERM');
    let readiness = await status(`${backend.url}/readyz`);
    while (readiness.status === 200 && Date.now() - signalled < 1_000)
      readiness = await status(`${backend.url}/readyz`);
    expect(readiness).toEqual({ status: 503, body: { error: 'shutting_down', message: expect.any(String) } });
    expect(Date.now() - signalled).toBeLessThan(1_000);
    // Still serving during the drain: the load balancer's last requests are answered.
    expect(await status(`${backend.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });

    const { code, at } = await backend.exited;
    expect(code).toBe(0);
    expect(at - signalled).toBeGreaterThanOrEqual(2_000);
    expect(backend.output()).toMatch(/"msg":"shutting down"/);
  }, 90_000);

  test('a second Ctrl-C while shutting down exits at once', async () => {
    const backend = await start({ SHUTDOWN_DRAIN_SECONDS: '60', SHUTDOWN_TIMEOUT_SECONDS: '120' });
    backend.child.kill('SIGTERM');
    while ((await status(`${backend.url}/readyz`)).status === 200);
    const second = Date.now();
    backend.child.kill('SIGINT');
    const { code, at } = await backend.exited;
    expect(code).toBe(130);
    expect(at - second).toBeLessThan(2_000);
    expect(backend.output()).toMatch(/"level":"warn".*"msg":"second signal while shutting down: exiting now"/);
  }, 90_000);

  test('a shutdown that outlasts SHUTDOWN_TIMEOUT_SECONDS exits 1 at the deadline', async () => {
    const backend = await start({ SHUTDOWN_DRAIN_SECONDS: '30', SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const signalled = Date.now();
    backend.child.kill('SIGTERM');
    const { code, at } = await backend.exited;
    expect(code).toBe(1);
    expect(at - signalled).toBeGreaterThanOrEqual(1_000);
    expect(at - signalled).toBeLessThan(10_000);
    expect(backend.output()).toMatch(/"level":"error".*"msg":"shutdown outlasted SHUTDOWN_TIMEOUT_SECONDS: exiting"/);
  }, 90_000);
});

describe('an error nothing caught', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));
  const run = (how: 'rejection' | 'exception') =>
    new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['tests/support/fatalProcess.ts', how], {
        cwd: ROOT,
        env: { ...process.env, ...env, DATABASE_URL: '', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.once('exit', (code) => resolve({ code, stdout }));
    });

  test.each([
    ['rejection', 'unhandled promise rejection: exiting', 'Error', 'nobody awaited this'],
    ['exception', 'uncaught exception: exiting', 'TypeError', 'nobody caught this'],
  ] as const)(
    'an unhandled %s is logged as fatal, with its message and no stack, and exits 1',
    async (how, msg, type, message) => {
      const { code, stdout } = await run(how);
      expect(code).toBe(1);
      const lines = stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.at(-1)).toMatchObject({ level: 'fatal', msg, err: { type, message } });
      expect(stdout).not.toMatch(/at .*\.ts:\d+/);
    },
    30_000,
  );
});
