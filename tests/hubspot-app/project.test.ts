import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@jest/globals';
import { LATEST_SUPPORTED_PLATFORM_VERSION } from '@hubspot/project-parsing-lib/projects';
import { translate } from '@hubspot/project-parsing-lib/translate';
import { collectWorkspaceDirectories, findAndParsePackageJsonFiles } from '@hubspot/project-parsing-lib/workspaces';
import { OPTIONAL_SCOPES, REQUIRED_SCOPES } from '../../backend/src/hubspot/scopes.ts';
import { HANDLED_SUBSCRIPTIONS } from '../../backend/src/hubspot/webhookEvents.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'hsproject.json'), 'utf8')) as {
  srcDir: string;
  platformVersion: string;
};

// Schema validation needs a HubSpot account and the network (the parser fetches the schemas from
// HubSpot's API), so this runs HubSpot's translation itself: hsmeta parsing, types, uids,
// the app component, dependencies.
const parse = (srcDir: string) =>
  translate({ projectSourceDir: srcDir, platformVersion: project.platformVersion }, { skipValidation: true });

test('the project is on the newest platform version the parser supports', () => {
  expect(project.platformVersion).toBe(LATEST_SUPPORTED_PLATFORM_VERSION);
  expect(project.srcDir).toBe('hubspot-app');
});

test("HubSpot's project parser translates the app, both cards (the conversations card on companies too), the app pages, the settings page and the webhooks without errors", async () => {
  const { intermediateRepresentation, skippedHsMetaFiles } = await parse(path.join(ROOT, project.srcDir));
  expect(skippedHsMetaFiles).toEqual([]);
  const nodes = Object.values(intermediateRepresentation.intermediateNodesIndexedByUid) as Array<{
    uid: string;
    componentType: string;
    config: Record<string, unknown>;
  }>;
  expect(nodes.map((n) => n.uid).sort()).toEqual([
    'fathom_coaching_card',
    'fathom_conversations_card',
    'fathom_hubspot_app',
    'fathom_pages',
    'fathom_settings',
    'fathom_webhooks',
  ]);
  // App pages (a router of pages), not the older app home page: no `location: home`.
  const pages = nodes.find((n) => n.uid === 'fathom_pages')!;
  expect(pages.componentType).toBe('PAGE');
  expect(pages.config).toEqual({ entrypoint: '/app/pages/Pages.tsx' });
  expect(fs.readFileSync(path.join(ROOT, project.srcDir, 'app/pages/Pages.tsx'), 'utf8')).toContain(
    "hubspot.extend<'pages'>",
  );
  // The conversations card sits on companies too; the coaching card on contacts and deals.
  const cardTypes = (uid: string) => (nodes.find((n) => n.uid === uid)!.config.objectTypes as string[]).sort();
  expect(cardTypes('fathom_conversations_card')).toEqual(['COMPANY', 'CONTACT', 'DEAL']);
  expect(cardTypes('fathom_coaching_card')).toEqual(['CONTACT', 'DEAL']);
  const app = nodes.find((n) => n.uid === 'fathom_hubspot_app')!.config as {
    distribution: string;
    auth: { type: string; requiredScopes: string[]; optionalScopes: string[]; redirectUrls: string[] };
    permittedUrls: { fetch: string[] };
  };
  expect(app.distribution).toBe('marketplace');
  expect(app.auth.type).toBe('oauth');
  // The scopes the backend asks for at install are exactly the ones the app declares.
  expect(app.auth.requiredScopes).toEqual([...REQUIRED_SCOPES]);
  expect(app.auth.optionalScopes).toEqual([...OPTIONAL_SCOPES]);
  // Companies are optional: a portal that declines them still gets contacts and deals.
  expect(app.auth.optionalScopes).toContain('crm.objects.companies.read');
  expect(app.auth.requiredScopes).not.toContain('crm.objects.companies.read');
  expect(
    app.auth.redirectUrls.every((url) => url.startsWith('https://') && url.endsWith('/oauth/hubspot/callback')),
  ).toBe(true);
  // hubspot.fetch may reach the card and settings API only: a card request signed for another
  // path (the HubSpot webhook route) is never made by HubSpot.
  expect(app.permittedUrls.fetch.length).toBeGreaterThan(0);
  expect(app.permittedUrls.fetch.every((url) => url.startsWith('https://') && new URL(url).pathname === '/api/')).toBe(
    true,
  );
});

test('the webhooks component posts to the backend and subscribes to privacy deletions, deletions, merges and contact association changes', async () => {
  const { intermediateRepresentation } = await parse(path.join(ROOT, project.srcDir));
  const nodes = Object.values(intermediateRepresentation.intermediateNodesIndexedByUid) as Array<{
    uid: string;
    componentType: string;
    config: Record<string, unknown>;
  }>;
  const webhooks = nodes.find((n) => n.uid === 'fathom_webhooks')!;
  expect(webhooks.componentType).toBe('WEBHOOKS');
  const config = webhooks.config as {
    settings: { targetUrl: string };
    subscriptions: {
      legacyCrmObjects: Array<{ subscriptionType: string; active: boolean }>;
      hubEvents: Array<{ subscriptionType: string; active: boolean }>;
    };
  };
  const app = nodes.find((n) => n.uid === 'fathom_hubspot_app')!.config as { auth: { redirectUrls: string[] } };
  // The same backend as the OAuth redirect, and the route the backend serves.
  expect(config.settings.targetUrl).toBe(
    app.auth.redirectUrls[0]!.replace('/oauth/hubspot/callback', '/webhooks/hubspot'),
  );
  const active = [...config.subscriptions.legacyCrmObjects, ...config.subscriptions.hubEvents]
    .filter((s) => s.active)
    .map((s) => s.subscriptionType);
  // Every subscription the backend handles (hubspot/webhookEvents.ts), and only those.
  expect(active.sort()).toEqual([...HANDLED_SUBSCRIPTIONS].sort());
});

test('the parser does refuse a broken card, broken app pages or a broken webhooks component (the tests above can fail)', async () => {
  const all = [
    'fathom_coaching_card',
    'fathom_conversations_card',
    'fathom_hubspot_app',
    'fathom_pages',
    'fathom_settings',
    'fathom_webhooks',
  ];
  for (const [file, uid] of [
    [path.join('app', 'cards', 'coaching-hsmeta.json'), 'fathom_coaching_card'],
    [path.join('app', 'pages', 'pages-hsmeta.json'), 'fathom_pages'],
    [path.join('app', 'webhooks', 'webhooks-hsmeta.json'), 'fathom_webhooks'],
  ] as const) {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-project-'));
    fs.cpSync(path.join(ROOT, project.srcDir), copy, {
      recursive: true,
      filter: (source) => !source.includes('node_modules'),
    });
    fs.writeFileSync(
      path.join(copy, file),
      `{ "uid": "${uid}", "type": "${{ fathom_webhooks: 'webhooks', fathom_pages: 'page' }[uid as string] ?? 'card'}", `,
    );
    const { intermediateRepresentation } = await parse(copy);
    // The broken component is not in the translation, so the uid check above would fail.
    expect(Object.keys(intermediateRepresentation.intermediateNodesIndexedByUid).sort()).toEqual(
      all.filter((id) => id !== uid),
    );
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test("the shared UI package is an npm workspace HubSpot's upload bundles with the cards, the app pages and the settings page", async () => {
  // The same discovery `hs project upload` runs (CLI 8): package.json files under srcDir with `workspaces`.
  const srcDir = path.join(ROOT, project.srcDir);
  const mappings = await collectWorkspaceDirectories(await findAndParsePackageJsonFiles(srcDir));
  const members = mappings.map((m) => path.relative(srcDir, m.workspaceDir)).sort();
  expect(members).toEqual(['app/cards', 'app/packages/ui-shared', 'app/pages', 'app/settings']);
  expect(new Set(mappings.map((m) => path.relative(srcDir, m.sourcePackageJsonPath)))).toEqual(
    new Set(['app/package.json']),
  );
  const manifest = (dir: string) =>
    JSON.parse(fs.readFileSync(path.join(srcDir, dir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
    };
  const shared = manifest('app/packages/ui-shared').name;
  for (const extension of ['app/cards', 'app/pages', 'app/settings'])
    expect(manifest(extension).dependencies?.[shared]).toBe('*');
});
