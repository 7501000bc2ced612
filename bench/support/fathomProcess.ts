// The Fathom stand-in in a process of its own, so the meetings it holds do not count in the RSS of
// the process a benchmark measures. Started by startFathomProcess(); options come as JSON in argv.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startFathomStandIn, type StandInOptions } from '../../tests/support/fathomStandIn.ts';

export type FathomProcess = { baseUrl: string; apiKey: string; close(): Promise<void> };

export async function startFathomProcess(options: Omit<StandInOptions, 'now' | 'meetings'>): Promise<FathomProcess> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the Fathom stand-in process ended (${code})`)));
  });
  const { baseUrl, apiKey } = JSON.parse(first) as { baseUrl: string; apiKey: string };
  return {
    baseUrl,
    apiKey,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const standIn = await startFathomStandIn(JSON.parse(process.argv[2] ?? '{}') as StandInOptions);
  process.stdout.write(`${JSON.stringify({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey })}\n`);
  // The parent closes stdin when it is done (or dies): close then.
  process.stdin.resume();
  process.stdin.once('end', () => void standIn.close().then(() => process.exit(0)));
}
