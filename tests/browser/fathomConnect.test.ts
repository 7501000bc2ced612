import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import { startFathomStandIn, type FathomStandIn, type StandInOAuth } from '../support/fathomStandIn.ts';
import { signedFetch } from '../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../support/testBackend.ts';

// Debian's Chromium, installed by .ci/run (apt-get install chromium). Playwright downloads no browser.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);
const maybe = available ? test : test.skip;

const HUB = 8282;
const clientSecret = randomBytes(24).toString('base64url');
const fathomApp: StandInOAuth = { clientId: 'fathom-app-id', clientSecret: randomBytes(16).toString('hex') };
let fathom: FathomStandIn;
let backend: TestBackend;
let tenant: TenantFixture;
let browser: Browser | undefined;

beforeAll(async () => {
  fathom = await startFathomStandIn({ count: 2, oauth: fathomApp });
  backend = await startTestBackend({
    HUBSPOT_CLIENT_ID: 'hubspot-app',
    HUBSPOT_CLIENT_SECRET: clientSecret,
    FATHOM_API_BASE: fathom.baseUrl,
    FATHOM_AUTH_BASE: fathom.authBaseUrl,
    FATHOM_CLIENT_ID: fathomApp.clientId,
    FATHOM_CLIENT_SECRET: fathomApp.clientSecret,
  });
  tenant = await seedTenant(backend.testDb.db, HUB);
  await withSystem(backend.testDb.db, (tx) =>
    tx.query(`DELETE FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [tenant.accountId]),
  );
  if (available) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    });
  }
});
afterAll(async () => {
  await browser?.close();
  await backend.close();
  await fathom.close();
});

const connectUrl = async () => {
  const response = await signedFetch(backend.url, '/api/settings/fathom', {
    clientSecret,
    identity: { portalId: HUB, userId: HUB * 10 + 1, userEmail: `admin@${HUB}.example.com` },
  });
  return ((await response.json()) as { oauth: { connectUrl: string } }).oauth.connectUrl;
};

maybe('an admin opens the link, sees the portal and himself named, confirms, and Fathom is connected', async () => {
  const link = await connectUrl();
  const page = await browser!.newPage();
  await page.goto(link);
  await page.getByRole('heading', { name: `Connect Fathom to HubSpot Portal ${HUB} (portal ${HUB})?` }).waitFor();
  expect(await page.getByText('You are connecting as').innerText()).toMatch(`admin@${HUB}.example.com`);
  expect(fathom.callCount('GET /oauth2/authorize')).toBe(0);

  await page.getByRole('button', { name: 'Continue to Fathom' }).click();
  await page.getByRole('heading', { name: 'Fathom is connected' }).waitFor();
  expect(fathom.callCount('GET /oauth2/authorize')).toBe(1);

  // The same link, opened again (a reload, a forwarded copy): refused, and Fathom is not asked.
  await page.goto(link);
  await page.getByRole('heading', { name: 'Fathom not connected: Link already used' }).waitFor();
  expect(fathom.callCount('GET /oauth2/authorize')).toBe(1);
});
