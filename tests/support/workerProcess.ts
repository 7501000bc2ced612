import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JobTuning } from '../../backend/src/jobs/boss.ts';
import type { TestBackend } from './testBackend.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type WorkerProcess = {
  child: ChildProcess;
  /** Everything it printed (its log lines and stderr), for failure messages. */
  output(): string;
  /** Sends the signal and waits until the process is gone. */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
};

/**
 * The environment a worker process of `backend` needs: the same database, encryption key and
 * upstream APIs, so it can open what the web process sealed.
 */
export function workerEnv(backend: TestBackend, tuning: JobTuning): Record<string, string> {
  const { config } = backend;
  if (!backend.testDb.url) throw new Error('a worker process needs a database server (PostgreSQL)');
  return {
    DATABASE_URL: backend.testDb.url,
    DATA_DIR: config.dataDir,
    TOKEN_ENCRYPTION_KEY: config.tokenEncryptionKey!,
    PUBLIC_BASE_URL: config.publicBaseUrl,
    HUBSPOT_CLIENT_ID: config.hubspot.clientId ?? '',
    HUBSPOT_CLIENT_SECRET: config.hubspot.clientSecret ?? '',
    HUBSPOT_API_BASE: config.hubspot.apiBase,
    HUBSPOT_AUTH_BASE: config.hubspot.authBase,
    FATHOM_API_BASE: config.fathom.apiBase,
    SYNC_SCHEDULE: config.syncSchedule,
    LOG_LEVEL: 'warn',
    JOB_TUNING: JSON.stringify(tuning),
  };
}

/** Starts tests/support/jobsWorker.ts and resolves once its workers are polling. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['tests/support/jobsWorker.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the worker process did not start within 20 s:\n${output}`)),
      20_000,
    );
    const onData = () => {
      if (output.includes('{"ready":true}')) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the worker process ended before it was ready (${code ?? signal}):\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
