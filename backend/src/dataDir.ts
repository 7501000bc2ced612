import fs from 'node:fs';
import path from 'node:path';

/**
 * DATA_DIR holds the embedded database (every portal's calls and sealed tokens) and the trial's
 * generated key: this user's only, whatever the umask. Makes `dir` if missing, and closes it to
 * group and others (0700) when it was made before with more.
 */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/**
 * Closes every directory (0700) and file (0600) under `dir` to group and others. PGlite sets the
 * modes of the files it writes itself (0666), so no umask keeps them private: this runs when the
 * database opens and closes, and the 0700 directory keeps others out of the files made between.
 */
export function closeToOthers(dir: string): void {
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) fs.chmodSync(file, 0o700);
    else if (entry.isFile()) fs.chmodSync(file, 0o600);
  }
}
