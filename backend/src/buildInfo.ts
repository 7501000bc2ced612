import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export type BuildInfo = { version: string; commit: string; node: string };

const ROOT = new URL('../../', import.meta.url);

/** The package version (root package.json) this process runs. */
export const VERSION: string = (
  JSON.parse(fs.readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }
).version;

/** What is running: the version, the commit (BUILD_COMMIT, else the checkout's HEAD, else "unknown") and Node's version. */
export function buildInfo(configuredCommit: string | undefined): BuildInfo {
  return { version: VERSION, commit: configuredCommit ?? headCommit() ?? 'unknown', node: process.versions.node };
}

function headCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2_000,
      encoding: 'utf8',
    }).trim();
  } catch {
    // An image without git or without the .git folder: BUILD_COMMIT is the way to name the commit.
    return undefined;
  }
}
