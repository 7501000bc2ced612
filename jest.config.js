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

// The UI and docs tests touch no database: they run in the PGlite run (the README's `npm test`)
// and are left out when the suite runs again on PostgreSQL (TEST_DATABASE_URL, .ci/run).
const onPostgres = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(onPostgres ? ['<rootDir>/tests/hubspot-app/', '<rootDir>/tests/docs/'] : []),
  ],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: { '^.+\\.tsx?$': swc },
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  testTimeout: 60_000,
  // One migrated database per run, copied by each test file (tests/support/database.ts).
  globalSetup: '<rootDir>/tests/support/globalSetup.ts',
  globalTeardown: '<rootDir>/tests/support/globalTeardown.ts',
};
