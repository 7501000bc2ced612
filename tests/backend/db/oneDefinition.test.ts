import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { MIGRATIONS_DIR } from '../../../backend/src/db/migrate.ts';

// Issue 26: the current body of every function, view, trigger and policy is in one file under db/,
// the one its name says; migrations hold tables and data only.
const DB_DIR = path.dirname(path.resolve(MIGRATIONS_DIR));

function sqlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.sql'));
}

type Created = { kind: string; name: string; file: string };

const CREATES: Array<[string, RegExp]> = [
  ['function', /\bCREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(?:public\.)?"?([a-z_][a-z0-9_]*)/gi],
  ['view', /\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\s+(?:public\.)?"?([a-z_][a-z0-9_]*)/gi],
  [
    'trigger',
    /\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+"?([a-z_][a-z0-9_]*)"?[\s\S]*?\bON\s+(?:public\.)?"?([a-z_][a-z0-9_]*)/gi,
  ],
  ['policy', /\bCREATE\s+POLICY\s+"?([a-z_][a-z0-9_]*)"?\s+ON\s+(?:public\.)?"?([a-z_][a-z0-9_]*)/gi],
];

function createdIn(file: string): Created[] {
  const sql = fs.readFileSync(path.join(DB_DIR, file), 'utf8').replace(/--[^\n]*/g, '');
  return CREATES.flatMap(([kind, pattern]) =>
    [...sql.matchAll(pattern)].map((m) => ({
      kind,
      name: kind === 'function' || kind === 'view' ? m[1]! : `${m[2]}.${m[1]}`,
      file,
    })),
  );
}

const home: Record<string, (name: string) => string> = {
  function: (name) => `functions/${name}.sql`,
  view: (name) => `views/${name}.sql`,
  trigger: (name) => `triggers/${name}.sql`,
  policy: (name) => `policies/${name.split('.')[0]}.sql`,
};

describe('db/', () => {
  const created = sqlFiles(DB_DIR).flatMap(createdIn);

  test('finds the objects it checks', () => {
    expect(created.filter((c) => c.kind === 'function').length).toBeGreaterThan(20);
    expect(created.filter((c) => c.kind === 'policy').length).toBeGreaterThan(40);
    expect(created.some((c) => c.kind === 'view')).toBe(true);
    expect(created.some((c) => c.kind === 'trigger')).toBe(true);
  });

  test('creates each function, view, trigger and policy exactly once', () => {
    const counts = new Map<string, string[]>();
    for (const c of created) counts.set(`${c.kind} ${c.name}`, [...(counts.get(`${c.kind} ${c.name}`) ?? []), c.file]);
    const twice = [...counts]
      .filter(([, files]) => files.length > 1)
      .map(([what, files]) => `${what}: ${files.join(', ')}`);
    expect(twice).toEqual([]);
  });

  test('creates each of them in the file its name says, never in a migration', () => {
    const misplaced = created
      .filter((c) => c.file !== home[c.kind]!(c.name))
      .map((c) => `${c.kind} ${c.name} in ${c.file}`);
    expect(misplaced).toEqual([]);
  });
});
