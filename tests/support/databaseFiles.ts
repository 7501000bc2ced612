// Which test files open a database: read by jest.config.js (Node 24 strips the types), so the run on PostgreSQL
// (TEST_DATABASE_URL) takes only the files it can say something about. A file opens a database
// when it imports, itself or through the helpers under tests/, tests/support/database.ts or one of
// the backend's openers (db/open.ts, db/pglite.ts, db/postgres.ts). Type-only imports do not count.
import fs from 'node:fs';
import path from 'node:path';

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]|^\s*import\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

function opener(rootDir: string): (file: string) => boolean {
  const openers = new Set(
    [
      'tests/support/database.ts',
      'backend/src/db/open.ts',
      'backend/src/db/pglite.ts',
      'backend/src/db/postgres.ts',
    ].map((file) => path.join(rootDir, file)),
  );
  const testsDir = path.join(rootDir, 'tests') + path.sep;
  const known = new Map<string, boolean>();
  function opensDatabase(file: string, seen: Set<string>): boolean {
    if (openers.has(file)) return true;
    const cached = known.get(file);
    if (cached !== undefined) return cached;
    // Backend modules are reached only through the openers above; other files under tests/ are followed.
    if (!file.startsWith(testsDir) || seen.has(file) || !fs.existsSync(file)) return false;
    seen.add(file);
    const source = fs.readFileSync(file, 'utf8');
    let found = false;
    for (const match of source.matchAll(IMPORT)) {
      if (match[2]) continue;
      const specifier = (match[3] ?? match[4] ?? match[5])!;
      if (opensDatabase(path.resolve(path.dirname(file), specifier), seen)) {
        found = true;
        break;
      }
    }
    known.set(file, found);
    return found;
  }
  return (file) => opensDatabase(file, new Set());
}

/** The test files under `dirs` (relative to rootDir) that open no database, as absolute paths. */
export function testFilesWithoutDatabase(rootDir: string, dirs: string[]): string[] {
  const opensDatabase = opener(rootDir);
  return dirs
    .flatMap((dir) =>
      fs
        .readdirSync(path.join(rootDir, dir), { recursive: true, encoding: 'utf8' })
        .filter((file) => /\.test\.tsx?$/.test(file))
        .map((file) => path.join(rootDir, dir, file)),
    )
    .filter((file) => !opensDatabase(file))
    .sort();
}
