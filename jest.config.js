import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testFilesWithoutDatabase } from './tests/support/databaseFiles.ts';

// Everything is ESM (the cards' @hubspot/ui-extensions is ESM-only), so jest runs with
// --experimental-vm-modules and swc strips types without changing module syntax.
// Type checking is `npm run typecheck`, not the test transform.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      target: 'es2023',
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'es6' },
  },
];

// Left out when the suite runs again on PostgreSQL (TEST_DATABASE_URL, .ci/run), as the engine
// changes nothing they assert; all run in the PGlite run (the README's `npm test`): the UI and docs
// tests, every backend test file that opens no database, and the browser tests and the tests of the
// HTTP edge (what the backend answers to unsigned, malformed, oversized or too many requests, and
// what it logs or leaks), which open a database only to have a backend to call.
const onPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
const rootDir = path.dirname(fileURLToPath(import.meta.url));
const pgliteOnly = () => [
  'tests/hubspot-app/',
  'tests/docs/',
  'tests/browser/',
  'tests/fuzz/publicRoutes.test.ts',
  'tests/backend/http/rateLimits.test.ts',
  'tests/backend/http/bodyLimits.test.ts',
  'tests/backend/http/requestLog.test.ts',
  'tests/backend/http/signedUrl.test.ts',
  'tests/backend/http/fathomWebhookBeforeBody.test.ts',
  'tests/backend/http/docs.test.ts',
  'tests/backend/secrets.test.ts',
  ...testFilesWithoutDatabase(rootDir, ['tests/backend', 'tests/fuzz']).map((file) => path.relative(rootDir, file)),
];

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', ...(onPostgres ? pgliteOnly().map((file) => `<rootDir>/${file}`) : [])],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.tsx?$': swc },
  // Measured on this 2-core machine (docs/development.md): PGlite's run is fastest on 3 workers
  // (2: 273 s, 3: 215 s, 4: 230 s); PostgreSQL's, whose tests wait on the server and on killed
  // processes more than they compute, on 4 (2: 266 s, 4: 215 s).
  maxWorkers: process.env.JEST_MAX_WORKERS ?? (onPostgres ? 4 : 3),
  testTimeout: 60_000,
  // One migrated database per run, copied by each test file (tests/support/database.ts).
  globalSetup: '<rootDir>/tests/support/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
};
