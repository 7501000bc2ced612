import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { hubspotAppOrigin } from '../../../backend/src/hubspot/appDomain.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const HUB = 8181;
let hubspot: HubSpotStandIn;
let backend: TestBackend;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({ hubId: HUB });
  hubspot.hublet = 'eu1';
  backend = await startTestBackend(hubspotEnv(hubspot));
  await installThroughStandIn(backend.url);
});
afterAll(async () => {
  await backend.close();
  await hubspot.close();
});

test("HubSpot's app origin follows the portal's data centre", () => {
  expect(hubspotAppOrigin('na1')).toBe('https://app.hubspot.com');
  expect(hubspotAppOrigin(null)).toBe('https://app.hubspot.com');
  expect(hubspotAppOrigin('eu1')).toBe('https://app-eu1.hubspot.com');
});

test("an EU portal's admin, before Fathom is connected, is sent to the Connected apps page on app-eu1.hubspot.com", async () => {
  const answer = await signedFetch(backend.url, '/api/cards/conversations?objectType=contacts&objectId=1', {
    clientSecret: hubspot.clientSecret,
    identity: {
      portalId: HUB,
      userId: hubspot.installingUser.id,
      userEmail: hubspot.installingUser.email.toLowerCase(),
    },
  });
  expect(answer.status).toBe(200);
  expect(await answer.json()).toMatchObject({
    fathom: 'not_connected',
    viewer: { role: 'admin' },
    settingsUrl: `https://app-eu1.hubspot.com/connected-apps/${HUB}/installed`,
  });
});
