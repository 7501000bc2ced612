import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The arguments `npm run <script>` gives node (its V8 flags and the entry file), so a test runs what npm runs. */
export function scriptArgs(script: string): string[] {
  const scripts = (JSON.parse(fs.readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const [command, ...args] = (scripts[script] ?? '').split(/\s+/);
  if (command !== 'node') throw new Error(`npm run ${script} does not start with node: ${scripts[script]}`);
  return args;
}

export type MainProcess = {
  child: ChildProcess;
  /** Where it listens (the port from its "listening" log line). */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with its exit code (or the signal that ended it) and when it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
};

/**
 * Starts `npm start`'s command line (node with its flags, backend/src/main.ts), or node with `args`,
 * and waits until it listens.
 */
export async function startMainProcess(
  env: Record<string, string>,
  options: { timeoutMs?: number; args?: string[] } = {},
): Promise<MainProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, options.args ?? scriptArgs('start'), {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not listen within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = () => {
      const port = /"port":(\d+).*"msg":"listening on/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(Number(port));
      }
    };
    child.stdout.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`npm start ended before it listened (${code ?? signal}):\n${output}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}
