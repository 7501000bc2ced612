import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A new temporary directory, and a writer of files into it (their folders made as needed). */
export function tempTree(prefix: string): { root: string; write(file: string, text: string): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    root,
    write(file, text) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    },
  };
}
