import { execFile as execFileCallback } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFile = promisify(execFileCallback);

/**
 * A PostgreSQL server of one test's own, which the test may stop and start (the shared server on
 * 5432 serves other test files at the same time and must never be restarted). Trust auth on
 * 127.0.0.1 and a socket in its data directory.
 */
export type PrivatePostgres = {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its files. */
  destroy(): Promise<void>;
};

/**
 * The newest installed PostgreSQL's bin directory (Debian layout), or undefined. POSTGRES_LIB_DIR
 * points elsewhere (to check that CI fails when the binaries are missing).
 */
export function postgresBinaries(): string | undefined {
  const root = process.env.POSTGRES_LIB_DIR || '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter(
      (version) =>
        fs.existsSync(path.join(root, version, 'bin', 'initdb')) &&
        fs.existsSync(path.join(root, version, 'bin', 'pg_ctl')),
    )
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** initdb refuses to run as root: as root, the server runs as the postgres user. */
async function runner(): Promise<{
  run(binary: string, args: string[]): Promise<void>;
  owner?: { uid: number; gid: number };
}> {
  const root = process.getuid?.() === 0;
  if (!root) return { run: async (binary, args) => void (await execFile(binary, args)) };
  const uid = Number((await execFile('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await execFile('id', ['-g', 'postgres'])).stdout.trim());
  return {
    run: async (binary, args) => void (await execFile('runuser', ['-u', 'postgres', '--', binary, ...args])),
    owner: { uid, gid },
  };
}

export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const { run, owner } = await runner();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-pg-'));
  if (owner) fs.chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  await run(path.join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`;
  const pgCtl = (...args: string[]) => run(path.join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '30', ...args]);
  const start = () => pgCtl('-l', path.join(dir, 'server.log'), '-o', options, 'start');
  await start();
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    // "fast": every session is told the server shuts down (admin_shutdown) and is closed, as a restart does.
    stop: () => pgCtl('-m', 'fast', 'stop'),
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await pgCtl('-m', 'immediate', 'stop').catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
