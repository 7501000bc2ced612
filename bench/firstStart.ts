// npm run bench:firststart [-- --idle-seconds 30 --node-flags="--max-semi-space-size=8"]
// The first `npm start` on the embedded database, as a new user runs it: a fresh DATA_DIR, so
// PGlite creates its database (initdb) before the migrations and pg-boss's schema. Prints the
// process's peak RSS (the kernel's high-water mark, VmHWM, and the highest of samples every
// 20 ms), its RSS after idling, and the time to listen, against floors measured in the same run:
// Node alone with the same flags, and the embedded database alone on a fresh directory. Then a
// second start on the same DATA_DIR (no initdb).
// --node-flags replaces npm start's Node flags (to compare: `--node-flags="--max-semi-space-size=8"`
// is npm start before --liftoff-only).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scriptArgs, startMainProcess } from '../tests/support/mainProcess.ts';

const { values } = parseArgs({
  options: { 'idle-seconds': { type: 'string', default: '30' }, 'node-flags': { type: 'string' } },
});
const idleMs = Number(values['idle-seconds']) * 1000;
const startArgs = scriptArgs('start');
const entry = startArgs.at(-1)!;
const flags =
  values['node-flags'] === undefined ? startArgs.slice(0, -1) : values['node-flags'].split(/\s+/).filter(Boolean);
const PEAK_TARGET_MIB = 600;
const IDLE_TARGET_MIB = 400;

const mib = (kib: number) => Math.round(kib / 1024);
function status(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return undefined;
  }
}
/** Samples a process's RSS every 20 ms until stop(); the highest sample and the last high-water mark. */
function sample(pid: number) {
  let peak = 0;
  let hwm = 0;
  const timer = setInterval(() => {
    const now = status(pid);
    if (!now) return;
    peak = Math.max(peak, now.rss);
    hwm = Math.max(hwm, now.hwm);
  }, 20);
  return {
    now: () => status(pid)?.rss ?? 0,
    stop() {
      clearInterval(timer);
      return { peak, hwm };
    },
  };
}
const made: string[] = [];
const freshDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-firststart-'));
  made.push(dir);
  return dir;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs node with `args` until it prints {"ready":true}, idles `idle` ms, and stops it. */
async function measureReady(args: string[], idle: number) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const sampler = sample(child.pid!);
  const started = Date.now();
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('{"ready":true}')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} ended (${code}) before it was ready`)));
  });
  const ready = Date.now() - started;
  await sleep(idle);
  const idleRss = sampler.now();
  const { peak, hwm } = sampler.stop();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { peak: Math.max(peak, hwm), idle: idleRss, readyMs: ready };
}

console.log(`node ${process.versions.node}, flags: ${flags.join(' ') || '(none)'}; idle after ${idleMs / 1000} s`);

const bare = await measureReady(
  [...flags, '-e', 'process.stdout.write(\'{"ready":true}\\n\'); setInterval(() => {}, 60_000)'],
  2_000,
);
const dbAlone = await measureReady([...flags, 'bench/support/pgliteAlone.ts', path.join(freshDir(), 'pglite')], idleMs);

/** npm start's command on dataDir until it listens, then idling; its peak, idle RSS and time to listen. */
async function measureStart(dataDir: string) {
  const started = Date.now();
  const backend = await startMainProcess(
    { DATABASE_URL: '', DATA_DIR: dataDir },
    { args: [...flags, entry], timeoutMs: 180_000 },
  );
  const listenMs = Date.now() - started;
  const sampler = sample(backend.child.pid!);
  await sleep(idleMs);
  const idle = sampler.now();
  const { peak, hwm } = sampler.stop();
  backend.child.kill('SIGTERM');
  await backend.exited;
  return { peak: Math.max(peak, hwm), idle, listenMs };
}

const dataDir = freshDir();
const first = await measureStart(dataDir);
const second = await measureStart(dataDir);
const { peak, idle } = first;

const rows = [
  ['Node alone (same flags)', mib(bare.peak), mib(bare.idle), ''],
  ['embedded database alone (fresh directory)', mib(dbAlone.peak), mib(dbAlone.idle), `${dbAlone.readyMs} ms to open`],
  ['first npm start (fresh DATA_DIR)', mib(first.peak), mib(first.idle), `${first.listenMs} ms to listen`],
  ['second npm start (same DATA_DIR)', mib(second.peak), mib(second.idle), `${second.listenMs} ms to listen`],
];
console.log('\n| process | peak RSS MiB | idle RSS MiB | |\n|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(
  `\nfirst start: peak ${mib(peak)} MiB (${(peak / dbAlone.peak).toFixed(2)}× the database alone), target ≤ ${PEAK_TARGET_MIB}: ${mib(peak) <= PEAK_TARGET_MIB ? 'met' : 'NOT met'}; ` +
    `idle ${mib(idle)} MiB, target ≤ ${IDLE_TARGET_MIB}: ${mib(idle) <= IDLE_TARGET_MIB ? 'met' : 'NOT met'}`,
);
for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
if (mib(peak) > PEAK_TARGET_MIB || mib(idle) > IDLE_TARGET_MIB) process.exitCode = 1;
