// The PostgreSQL run (jest.config.js) leaves out the backend test files that open no database. A
// file misjudged as opening none would silently never run on PostgreSQL: these cases pin the rule.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';
import { testFilesWithoutDatabase } from '../support/databaseFiles.ts';
import { tempTree } from '../support/tempTree.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('in this repository: pure unit tests are left out, and every test that starts a backend or a database is kept', () => {
  const without = testFilesWithoutDatabase(ROOT, ['tests/backend', 'tests/fuzz']).map((file) =>
    path.relative(ROOT, file),
  );
  // Pure functions and stand-ins only.
  expect(without).toEqual(
    expect.arrayContaining(['tests/backend/retryAfter.test.ts', 'tests/backend/coaching/analysis/score.test.ts']),
  );
  for (const opens of [
    'tests/backend/db/cascade.test.ts', // createMigratedDatabase, directly
    'tests/fuzz/cardInputs.test.ts', // startTestBackend, through testBackend.ts
    'tests/backend/faults/workerKilledRepeatedly.test.ts', // through faultFixture.ts
    'tests/backend/db/embeddedFiles.test.ts', // backend/src/db/open.ts
  ])
    expect(without).not.toContain(opens);
});

test('a file opens a database through any chain of helpers under tests/, and a type-only import does not count', () => {
  const { root, write } = tempTree('fathom-files-');
  write('tests/support/database.ts', 'export const createMigratedDatabase = () => {};\n');
  write('tests/support/rig.ts', "import { createMigratedDatabase } from './database.ts';\nexport const rig = 1;\n");
  write('tests/support/fixture.ts', "export { rig } from './rig.ts';\n");
  write('tests/backend/direct.test.ts', "import { createMigratedDatabase } from '../support/database.ts';\n");
  write('tests/backend/chained.test.ts', "import {\n  rig,\n} from '../support/fixture.ts';\n");
  write('tests/backend/dynamic.test.ts', "const { rig } = await import('../support/rig.ts');\n");
  write('tests/backend/opener.test.ts', "import { openDatabase } from '../../backend/src/db/open.ts';\n");
  write('tests/backend/typeOnly.test.ts', "import type { TestDatabase } from '../support/database.ts';\n");
  write('tests/backend/pure.test.ts', "import { retryAfter } from '../../backend/src/retryAfter.ts';\n");
  write('tests/backend/cycle.test.ts', "import { a } from './cycleHelper.ts';\n");
  write('tests/backend/cycleHelper.ts', "import { b } from './cycle.test.ts';\nexport const a = 1;\n");
  expect(testFilesWithoutDatabase(root, ['tests/backend']).map((file) => path.relative(root, file))).toEqual([
    'tests/backend/cycle.test.ts',
    'tests/backend/pure.test.ts',
    'tests/backend/typeOnly.test.ts',
  ]);
  fs.rmSync(root, { recursive: true, force: true });
});
