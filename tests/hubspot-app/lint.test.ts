import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });
const rulesHit = async (file: string, code: string) =>
  (await eslint.lintText(code, { filePath: path.join(ROOT, file) }))[0]!.messages.map((m) => m.ruleId);

// HubSpot's rules find an extension point by a `src/app/<extension point>/` path; eslint.config.js
// shows them this project's `hubspot-app/app/…` files as that path. Without it they pass everything.
test('an import that leaves an extension folder is a lint error, as it would fail in HubSpot’s build', async () => {
  const parentImport = "import { OBJECT_TYPES } from '../cards/config';\nexport const types = OBJECT_TYPES;\n";
  expect(await rulesHit('hubspot-app/app/settings/Probe.ts', parentImport)).toEqual([
    '@hubspot/ui-extensions/no-parent-imports',
  ]);
  const shared = "import { BACKEND_URL } from '@fathom-hubspot/ui-shared';\nexport const url = BACKEND_URL;\n";
  expect(await rulesHit('hubspot-app/app/settings/Probe.ts', shared)).toEqual([]);
});

test('the sandbox rules apply to the UI extensions and not to the backend', async () => {
  const nativeFetch = "export const load = () => fetch('https://example.com');\n";
  expect(await rulesHit('hubspot-app/app/cards/Probe.ts', nativeFetch)).toEqual([
    '@hubspot/ui-extensions/no-native-http',
  ]);
  expect(await rulesHit('backend/src/Probe.ts', nativeFetch)).toEqual([]);
});

test("the app pages may use HubSpot's pages router; a card may not (it is not an app page)", async () => {
  const router =
    "import { createPageRouter, PageRoutes } from '@hubspot/ui-extensions/pages';\nexport const r = [createPageRouter, PageRoutes];\n";
  expect(await rulesHit('hubspot-app/app/pages/Probe.tsx', router)).toEqual([]);
  expect(await rulesHit('hubspot-app/app/cards/Probe.tsx', router)).toEqual([
    '@hubspot/ui-extensions/no-invalid-extension-point-imports',
  ]);
  const parentImport = "import { OBJECT_TYPES } from '../cards/config';\nexport const types = OBJECT_TYPES;\n";
  expect(await rulesHit('hubspot-app/app/pages/Probe.ts', parentImport)).toEqual([
    '@hubspot/ui-extensions/no-parent-imports',
  ]);
});
