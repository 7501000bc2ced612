import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';
import { translate } from '@hubspot/project-parsing-lib/translate';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OLD_HOST = 'fathom-hubspot.example.com';
const BASE = 'https://calls.acme-sales.example';

/** A copy of the HubSpot project (no node_modules), with a webhooks component as HubSpot lays one out. */
function projectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-configure-'));
  fs.copyFileSync(path.join(ROOT, 'hsproject.json'), path.join(dir, 'hsproject.json'));
  fs.cpSync(path.join(ROOT, 'hubspot-app'), path.join(dir, 'hubspot-app'), {
    recursive: true,
    filter: (source) => !source.includes('node_modules'),
  });
  const webhooks = path.join(dir, 'hubspot-app', 'app', 'webhooks');
  if (!fs.existsSync(webhooks)) {
    fs.mkdirSync(webhooks);
    const component = {
      uid: 'fathom_webhooks',
      type: 'webhooks',
      config: {
        settings: { targetUrl: `https://${OLD_HOST}/webhooks/hubspot`, maxConcurrentRequests: 10 },
        subscriptions: { hubEvents: [{ subscriptionType: 'contact.privacyDeletion', active: true }] },
      },
    };
    fs.writeFileSync(path.join(webhooks, 'webhooks-hsmeta.json'), `${JSON.stringify(component, null, 2)}\n`);
  }
  return dir;
}
const run = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['backend/src/cli/hsConfigure.ts', '--project-dir', dir, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
const files = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile());
const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

test('hs:configure writes the base URL into every file HubSpot reads it from, and nothing names the old one', async () => {
  const dir = projectCopy();
  const result = run(dir, '--base-url', `${BASE}/`, '--support-email', 'help@acme-sales.example');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const app = path.join(dir, 'hubspot-app', 'app');

  const meta = json(path.join(app, 'app-hsmeta.json')).config;
  expect(meta.auth.redirectUrls).toEqual([`${BASE}/oauth/hubspot/callback`]);
  expect(meta.permittedUrls.fetch).toEqual([`${BASE}/api/`]);
  expect(meta.support).toEqual({
    supportEmail: 'help@acme-sales.example',
    documentationUrl: `${BASE}/docs/setup-guide`,
    supportUrl: `${BASE}/docs/setup-guide`,
  });
  expect(fs.readFileSync(path.join(app, 'packages', 'ui-shared', 'config.ts'), 'utf8')).toContain(
    `export const BACKEND_URL = '${BASE}';`,
  );
  expect(json(path.join(app, 'local.json'))).toEqual({ proxy: { [BASE]: 'http://localhost:3000' } });
  expect(json(path.join(app, 'webhooks', 'webhooks-hsmeta.json')).config.settings.targetUrl).toBe(
    `${BASE}/webhooks/hubspot`,
  );

  const stale = files(dir).filter((file) => fs.readFileSync(file, 'utf8').includes(OLD_HOST));
  expect(stale.map((file) => path.relative(dir, file))).toEqual([]);
  // Still a project HubSpot's parser translates, every component kept.
  const { intermediateRepresentation, skippedHsMetaFiles } = await translate(
    {
      projectSourceDir: path.join(dir, 'hubspot-app'),
      platformVersion: json(path.join(dir, 'hsproject.json')).platformVersion,
    },
    { skipValidation: true },
  );
  expect(skippedHsMetaFiles).toEqual([]);
  expect(Object.keys(intermediateRepresentation.intermediateNodesIndexedByUid)).toContain('fathom_hubspot_app');
});

test('run twice with the same URL it changes nothing more (the output is the repository format)', () => {
  const dir = projectCopy();
  expect(run(dir, '--base-url', BASE).status).toBe(0);
  const first = files(dir).map((file) => fs.readFileSync(file, 'utf8'));
  expect(run(dir, '--base-url', BASE).status).toBe(0);
  expect(files(dir).map((file) => fs.readFileSync(file, 'utf8'))).toEqual(first);
});

test('a URL HubSpot would refuse (not https) is refused with the reason, and no file changes', () => {
  const dir = projectCopy();
  const before = files(dir).map((file) => fs.readFileSync(file, 'utf8'));
  const result = run(dir, '--base-url', 'http://calls.acme-sales.example');
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/--base-url must be an https:\/\/ URL/);
  expect(files(dir).map((file) => fs.readFileSync(file, 'utf8'))).toEqual(before);
});

test("`npm exec -- hs` runs the project's pinned HubSpot CLI 8.x, not the unrelated npm package named hs", () => {
  const pinned = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies[
    '@hubspot/cli'
  ] as string;
  expect(pinned).toMatch(/^8\.\d+\.\d+$/);
  const result = spawnSync('npm', ['exec', '--', 'hs', '--version'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
  });
  expect(result.status).toBe(0);
  expect(result.stdout.trim().split('\n').at(-1)).toBe(pinned);
}, 60_000);
