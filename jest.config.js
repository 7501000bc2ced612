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

// The UI and docs tests, and every backend test file that opens no database, run in the PGlite
// run (the README's `npm test`) and are left out when the suite runs again on PostgreSQL
// (TEST_DATABASE_URL, .ci/run): the engine changes nothing in them.
const onPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
const rootDir = path.dirname(fileURLToPath(import.meta.url));
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const withoutDatabase = onPostgres ? testFilesWithoutDatabase(rootDir, ['tests/backend', 'tests/fuzz']) : [];
// The browser tests and the tests of the HTTP edge (what the backend answers to unsigned,
// malformed, oversized or too many requests, and what it logs or leaks) open a database only to
// have a backend to call: the engine changes nothing they assert, so they too run on PGlite only.
const ONE_ENGINE = [
  'tests/browser/',
  'tests/fuzz/publicRoutes.test.ts',
  'tests/backend/http/rateLimits.test.ts',
  'tests/backend/http/bodyLimits.test.ts',
  'tests/backend/http/requestLog.test.ts',
  'tests/backend/http/signedUrl.test.ts',
  'tests/backend/http/fathomWebhookBeforeBody.test.ts',
  'tests/backend/http/docs.test.ts',
  'tests/backend/secrets.test.ts',
];

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(onPostgres ? ['<rootDir>/tests/hubspot-app/', '<rootDir>/tests/docs/'] : []),
    ...withoutDatabase.map((file) => `^${escape(file)}$`),
    ...(onPostgres ? ONE_ENGINE.map((file) => `<rootDir>/${file}`) : []),
  ],
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
