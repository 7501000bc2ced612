import fs from 'node:fs';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspotStandIn.ts';
import { startTestBackend, type TestBackend } from '../support/testBackend.ts';

// Debian's Chromium, installed by .ci/run (apt-get install chromium). Playwright downloads no browser.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);
const maybe = available ? test : test.skip;

let hubspot: HubSpotStandIn;
let backend: TestBackend;
let browser: Browser | undefined;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({ hubId: 8080 });
  backend = await startTestBackend(hubspotEnv(hubspot));
  if (available) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }
});
afterAll(async () => {
  await browser?.close();
  await backend.close();
  await hubspot.close();
});

maybe('an admin installs from the marketplace link and sees what to do next', async () => {
  const page = await browser!.newPage();
  await page.goto(`${backend.url}/oauth/hubspot/install`);
  // HubSpot's (stand-in) consent page, reached through our redirect.
  await page.getByRole('heading', { name: /Connect Fathom for HubSpot to portal 8080/ }).waitFor();
  await page.getByRole('link', { name: 'Connect app' }).click();
  await page.getByRole('heading', { name: 'Fathom for HubSpot is installed' }).waitFor();
  expect(await page.getByRole('status').innerText()).toBe(
    'The app is connected to HubSpot portal 8080, and you are its admin.',
  );
  const steps = await page.getByRole('listitem').allInnerTexts();
  expect(steps.map((s) => s.split('.')[0])).toEqual([
    'Connect Fathom',
    'Add the cards to your record layouts',
    'Assign roles',
  ]);
  expect(await page.title()).toBe('Installed · Fathom for HubSpot');
  // The browser-binding cookie is gone once the install is done.
  expect((await page.context().cookies()).filter((c) => c.name === 'fathom_hs_install')).toEqual([]);
});

maybe('cancelling in HubSpot shows an accessible error page with a way to start again', async () => {
  const page = await browser!.newPage();
  await page.goto(`${backend.url}/oauth/hubspot/install`);
  await page.getByRole('link', { name: 'Cancel' }).click();
  await page.getByRole('heading', { name: 'Install failed: HubSpot did not grant access' }).waitFor();
  expect(await page.getByRole('alert').innerText()).toBe(
    'The install was cancelled in HubSpot, so the app was not connected.',
  );
  await page.getByRole('link', { name: 'Start the install again' }).click();
  await page.getByRole('heading', { name: /Connect Fathom for HubSpot/ }).waitFor();
});
