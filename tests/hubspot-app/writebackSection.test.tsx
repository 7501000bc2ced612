import { describe, expect, test } from '@jest/globals';
import { Alert, Button, Checkbox, Heading } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { createApi, type WritebackSettings } from '@fathom-hubspot/ui-shared';
import { WritebackSection } from '../../hubspot-app/app/settings/WritebackSection';
import { fakeBackend, type Routes } from './fakeBackend';

const off: WritebackSettings = { enabled: false, includeScores: false, missingScopes: [] };

function renderSection(routes: Routes) {
  const backend = fakeBackend(routes);
  const renderer = createRenderer('settings');
  renderer.render(<WritebackSection api={createApi(backend.fetcher)} />);
  return { ...renderer, backend };
}

describe('settings: write call data to HubSpot', () => {
  test('off by default; turning it on sends the choice, scores left off', async () => {
    let saved = off;
    const page = renderSection({
      'GET /api/settings/writeback': () => ({ body: saved }),
      'PUT /api/settings/writeback': (body) => {
        saved = { ...(body as WritebackSettings), missingScopes: [] };
        return { body: saved };
      },
    });
    await page.waitFor(() => expect(page.find(Heading).text).toBe('Write call data to HubSpot'));
    expect(page.find(Checkbox).props.checked).toBe(false);
    expect(String(page.find(Checkbox).props.description)).toContain('visible to everyone who can see the record');
    page.find(Button).trigger('onClick');
    await page.waitFor(() => expect(page.find(Button).text).toBe('Stop writing to HubSpot'));
    expect(page.backend.calls.find((call) => call.method === 'PUT')?.body).toEqual({
      enabled: true,
      includeScores: false,
    });
  });

  test('a portal installed without the write scopes is told an admin must reinstall', async () => {
    const page = renderSection({
      'GET /api/settings/writeback': { body: { ...off, missingScopes: ['crm.objects.deals.write'] } },
    });
    await page.waitFor(() => expect(page.find(Alert).props.title).toBe('Reinstall the app to write to HubSpot'));
    expect(page.find(Alert).text).toContain('crm.objects.deals.write');
  });
});
