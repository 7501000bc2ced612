// ESLint 9 flat config. hubspot-app/: HubSpot's own rules for UI extensions (sandboxed worker,
// one build per extension folder), React hooks, TypeScript. backend/, bench/, tests/: TypeScript.
import path from 'node:path';
import js from '@eslint/js';
import { config as hubspotUiExtensions } from '@hubspot/eslint-config-ui-extensions';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ui = ['hubspot-app/**/*.{ts,tsx}'];

// HubSpot's rules recognise an extension point by a `src/app/<cards|settings|pages…>/` path (the
// layout of HubSpot's templates); this project's HubSpot srcDir is `hubspot-app/`. Each rule is
// given the file's path as HubSpot's build lays it out, so `no-parent-imports` and the
// extension-point import checks apply here too instead of silently skipping every file.
const HUBSPOT_SRC = `${path.sep}hubspot-app${path.sep}app${path.sep}`;
const AS_BUILT = `${path.sep}src${path.sep}app${path.sep}`;
const asBuilt = (rule) => ({
  ...rule,
  create: (context) =>
    rule.create(Object.create(context, { filename: { value: context.filename.replace(HUBSPOT_SRC, AS_BUILT) } })),
});
const withHubSpotPaths = (entry) => {
  if (!entry.plugins) return entry;
  const [name, plugin] = Object.entries(entry.plugins)[0];
  const rules = Object.fromEntries(Object.entries(plugin.rules).map(([id, rule]) => [id, asBuilt(rule)]));
  return { ...entry, files: ui, plugins: { [name]: { ...plugin, rules } } };
};

export default defineConfig([
  globalIgnores(['**/node_modules/', '.data/', 'coverage/']),
  { files: ['**/*.{js,ts,tsx}'], extends: [js.configs.recommended, tseslint.configs.recommended] },
  { files: ['*.js', 'backend/**', 'bench/**', 'tests/**'], languageOptions: { globals: globals.node } },
  {
    // A leading underscore marks a parameter a signature requires but the body does not use
    // (Express knows an error handler by its four parameters: `(error, req, res, _next)`).
    files: ['**/*.{js,ts,tsx}'],
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
  // HubSpot's config applies to every JS/TS file; here it applies to the UI extensions only.
  ...hubspotUiExtensions.filter((entry) => entry.plugins).map(withHubSpotPaths),
  { files: [...ui, 'tests/hubspot-app/**/*.tsx'], extends: [reactHooks.configs.flat['recommended-latest']] },
]);
