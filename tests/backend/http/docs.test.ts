import fs from 'node:fs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

test("the app's documentation link answers the setup guide, as plain text", async () => {
  const meta = JSON.parse(
    fs.readFileSync(new URL('../../../hubspot-app/app/app-hsmeta.json', import.meta.url), 'utf8'),
  );
  const documentation = new URL(meta.config.support.documentationUrl as string);
  const response = await fetch(`${backend.url}${documentation.pathname}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(await response.text()).toBe(fs.readFileSync(new URL('../../../docs/setup-guide.md', import.meta.url), 'utf8'));
});

test("the app's support link, as hs:configure writes it by default, answers a page (not a 404)", async () => {
  const meta = JSON.parse(
    fs.readFileSync(new URL('../../../hubspot-app/app/app-hsmeta.json', import.meta.url), 'utf8'),
  );
  const support = new URL(meta.config.support.supportUrl as string);
  const response = await fetch(`${backend.url}${support.pathname}`);
  expect(response.status).toBe(200);
  expect(await response.text()).toContain('## Help');
});
