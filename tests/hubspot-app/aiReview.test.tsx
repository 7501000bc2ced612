// The AI review in the UI: its section of the call panel, its points as suggestions that start a
// coaching draft at their moment, and the consent in the settings page (absent without a model).
import { describe, expect, test } from '@jest/globals';
import { Button, Heading, Input, Link, Tag, Text, TextArea } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import {
  AiReviewSection,
  CoachingForm,
  createApi,
  type AiReview,
  type AiSettings,
  type FathomStatus,
} from '@fathom-hubspot/ui-shared';
import { SettingsView } from '../../hubspot-app/app/settings/SettingsView';
import { fakeBackend, type Routes } from './fakeBackend';

const quote = (text: string, seconds: number) => ({
  text,
  seconds,
  playbackUrl: `https://fathom.video/calls/1#t=${seconds}`,
});
const review: AiReview = {
  model: 'gpt-4.1-mini',
  reviewedAt: '2026-11-20T10:00:00.000Z',
  qualification: [
    { element: 'metrics', status: 'covered', evidence: [quote('Onboarding takes us three weeks', 6)] },
    { element: 'economicBuyer', status: 'missing', evidence: [] },
    { element: 'decisionCriteria', status: 'partly', evidence: [] },
    { element: 'decisionProcess', status: 'missing', evidence: [] },
    { element: 'identifiedPain', status: 'covered', evidence: [] },
    { element: 'champion', status: 'missing', evidence: [] },
    { element: 'competition', status: 'missing', evidence: [] },
  ],
  objections: [
    {
      objection: 'Price is high',
      handling: 'Tied it to time saved',
      handledWell: true,
      quote: quote('the price seems high', 125),
    },
  ],
  risks: [{ risk: 'No economic buyer on the call', quote: quote('I need to check with our VP', 300) }],
  coachingPoints: [
    {
      title: 'Quantify the pain',
      advice: 'Ask how many hours a week this costs.',
      category: 'discovery',
      quote: quote('Onboarding takes us three weeks', 6),
      echoes: { messageId: 'm1', body: 'Dig one level deeper on how they measure it.' },
    },
  ],
  droppedQuotes: 1,
  transcriptCut: false,
};

describe('the call panel', () => {
  test('shows the review: points linked to the recording at their second, the echo of coaching that worked, MEDDICC', () => {
    const renderer = createRenderer('crm.record.tab');
    renderer.render(<AiReviewSection review={review} />);
    expect(renderer.findAll(Heading).map((h) => h.text)).toEqual(['AI review']);
    const links = renderer.findAll(Link).map((link) => [link.text, (link.props.href as { url: string }).url]);
    expect(links).toContainEqual(['0:06', 'https://fathom.video/calls/1#t=6']);
    expect(links).toContainEqual(['2:05', 'https://fathom.video/calls/1#t=125']);
    const tags = renderer.findAll(Tag).map((tag) => tag.text);
    expect(tags).toContain('Like past coaching that worked: Dig one level deeper on how they measure it.');
    expect(tags.filter((tag) => ['covered', 'partly', 'missing'].includes(tag!))).toHaveLength(7);
    const texts = renderer.findAll(Text).map((t) => t.text);
    expect(texts).toContain('1. Quantify the pain');
    expect(texts).toContain('Price is high — handled well: Tied it to time saved');
  });
});

describe('the coaching form', () => {
  test('a point of the review starts a draft: its category, its advice and its moment', async () => {
    const backend = fakeBackend({
      'GET /api/cards/conversations/c1': { body: { id: 'c1', keyMoments: [] } },
      'GET /api/cards/conversations/c1/suggestions': {
        body: {
          items: [
            {
              id: 'c1:0',
              kind: 'ai_review',
              category: 'discovery',
              reason: 'Quantify the pain',
              body: 'Ask how many hours a week this costs.',
              momentSeconds: 125,
            },
          ],
          nextCursor: null,
        },
      },
    });
    const renderer = createRenderer('crm.record.tab');
    renderer.render(
      <CoachingForm api={createApi(backend.fetcher)} calls={[{ id: 'c1', title: 'Acme call' }]} onSaved={() => {}} />,
    );
    await renderer.waitFor(() =>
      expect(renderer.findAll(Text).map((t) => t.text)).toContain(
        'Discovery: AI review: Quantify the pain. Ask how many hours a week this costs.',
      ),
    );
    renderer
      .findAll(Button)
      .find((b) => b.text === 'Use')!
      .trigger('onClick');
    await renderer.waitFor(() =>
      expect(renderer.find(TextArea).props.value).toBe('Ask how many hours a week this costs.'),
    );
    expect(renderer.find(Input, { name: 'moment' }).props.value).toBe('2:05');
  });
});

const connected: FathomStatus = {
  connected: true,
  connectionId: 'fc1',
  authType: 'api_key',
  status: 'active',
  webhookRegistered: true,
  lastSyncedAt: null,
  lastError: null,
  backfillSince: null,
  backfillCompletedAt: null,
  oauth: { available: false, reason: 'no OAuth here' },
};

function renderSettings(routes: Routes) {
  const backend = fakeBackend({
    'GET /api/settings/fathom': { body: connected },
    'GET /api/settings/sync-logs': { body: { items: [], nextCursor: null, nextScheduledRun: null } },
    'GET /api/settings/roles': { body: { items: [], nextCursor: null } },
    'GET /api/settings/data': { body: { uninstallGraceHours: 720 } },
    ...routes,
  });
  const renderer = createRenderer('settings');
  renderer.render(<SettingsView api={createApi(backend.fetcher)} hubId={910} />);
  return { ...renderer, backend };
}

describe('the settings page', () => {
  test('without a model configured, nothing mentions AI', async () => {
    const off: AiSettings = { enabled: false, available: false, model: null, destination: null };
    const page = renderSettings({ 'GET /api/settings/ai': { body: off } });
    await page.waitFor(() => expect(page.backend.calls.map((c) => c.path)).toContain('/api/settings/ai'));
    await page.waitFor(() => expect(page.findAll(Heading).map((h) => h.text)).toContain('Data'));
    expect(JSON.stringify(page.findAll(Text).map((t) => t.text))).not.toMatch(/\bAI\b|model/);
    expect(page.findAll(Heading).map((h) => h.text)).not.toContain('AI review of calls');
  });

  test('with one, it names the model and where transcripts go; an admin turns it on', async () => {
    const off: AiSettings = {
      enabled: false,
      available: true,
      model: 'llama3.1:8b',
      destination: 'http://ollama.internal:11434',
    };
    let now = off;
    const page = renderSettings({
      'GET /api/settings/ai': () => ({ body: now }),
      'PUT /api/settings/ai': (body) => {
        now = { ...off, enabled: (body as { enabled: boolean }).enabled };
        return { body: now };
      },
    });
    await page.waitFor(() => expect(page.findAll(Heading).map((h) => h.text)).toContain('AI review of calls'));
    const texts = page.findAll(Text).map((t) => t.text);
    expect(texts.join('\n')).toContain('sent to http://ollama.internal:11434 for the model llama3.1:8b');
    page
      .findAll(Button)
      .find((b) => b.text === 'Turn the AI review on')!
      .trigger('onClick');
    await page.waitFor(() => expect(page.findAll(Button).map((b) => b.text)).toContain('Turn the AI review off'));
    expect(page.backend.calls.find((c) => c.method === 'PUT')!.body).toEqual({ enabled: true });
  });
});
