// npm run bench:review [-- --calls 50 --latency-ms 2000 --webhooks 5]   (DATABASE_URL for PostgreSQL)
// The AI review through the OpenAI-compatible stand-in (tests/support/openAiStandIn.ts), the
// backend's own job workers and database:
//  1. tokens per call (prompt and answer) for a 30- and a 60-minute call, as sent, with the
//     transcript budget's cut; the stand-in counts four characters a token, like our estimate;
//  2. reviews per minute: consent turned on for a portal with `--calls` calls (the newest 50 are
//     reviewed), the stand-in answering at once (our own cost) and after `--latency-ms` (a model);
//  3. the time from a Fathom webhook to the review on the call's detail card, `--webhooks` times.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ruleBasedAnalyser } from '../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { saveAiConsent } from '../backend/src/coaching/review/aiConsent.ts';
import { reviewCall } from '../backend/src/coaching/review/reviewCall.ts';
import { requestReviewSweep } from '../backend/src/coaching/review/reviewJobs.ts';
import { withSystem, withTenant } from '../backend/src/db/tenancy.ts';
import { demoConversations } from '../backend/src/seed/demoConversations.ts';
import { seedDemo } from '../backend/src/seed/seedDemo.ts';
import { analyseFnFor } from '../backend/src/sync/analyseMeeting.ts';
import { storeConversation } from '../backend/src/sync/storeConversation.ts';
import { engine } from '../tests/support/database.ts';
import { startFathomStandIn } from '../tests/support/fathomStandIn.ts';
import { startOpenAiStandIn } from '../tests/support/openAiStandIn.ts';
import { goodAnswer } from '../tests/support/reviewAnswers.ts';
import { signedFetch } from '../tests/support/signedFetch.ts';
import { seedTenant } from '../tests/support/tenantFixture.ts';
import { startTestBackend } from '../tests/support/testBackend.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '50' },
    'latency-ms': { type: 'string', default: '2000' },
    webhooks: { type: 'string', default: '5' },
  },
});
const latencyMs = Number(values['latency-ms']);
const analyse = analyseFnFor(ruleBasedAnalyser);
const llm = await startOpenAiStandIn({ answer: goodAnswer });
const clientSecret = randomBytes(24).toString('base64url');
const fathom = await startFathomStandIn({ count: 2, segmentsPerMeeting: 60, newest: new Date(Date.now() - 60_000) });
const backend = await startTestBackend(
  {
    HUBSPOT_CLIENT_ID: 'bench',
    HUBSPOT_CLIENT_SECRET: clientSecret,
    FATHOM_API_BASE: fathom.baseUrl,
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'bench-model',
    LLM_API_KEY: llm.apiKey,
    LOG_LEVEL: 'warn',
  },
  { workers: true },
);
const db = backend.testDb.db;
const review = backend.services.review!;
console.log(`bench:review on ${engine}`);

// 1. Tokens per call. A sales call runs at about 150 spoken words a minute: a line of the demo's
// (about 11 words) every 4.5 s.
const [demo] = demoConversations(1, { repEmails: ['rita.rep@demo.example.com'], contactIds: [1], dealIds: [1] });
const longCall = (minutes: number) => {
  const lines = Math.round((minutes * 60) / 4.5);
  const source = demo!.segments;
  return {
    ...demo!,
    externalId: `bench-${minutes}-min`,
    durationSeconds: minutes * 60,
    segments: Array.from({ length: lines }, (_, i) => ({
      ...source[i % source.length]!,
      startSeconds: Math.round(i * 4.5),
    })),
  };
};
const sizing = await seedTenant(db, 5101);
await withTenant(db, { accountId: sizing.accountId }, (tx) => saveAiConsent(tx, true));
for (const minutes of [30, 60]) {
  const { conversationId } = await withTenant(db, { accountId: sizing.accountId }, (tx) =>
    storeConversation(tx, longCall(minutes), analyse),
  );
  const outcome = await reviewCall(review, { accountId: sizing.accountId, conversationId });
  const sent = llm.requests.at(-1)!.body;
  const cut = (
    await withSystem(db, (tx) =>
      tx.query<{ cut: boolean }>(
        `SELECT (review ->> 'transcriptCut')::boolean AS cut FROM call_reviews WHERE conversation_id = $1`,
        [conversationId],
      ),
    )
  ).rows[0]!.cut;
  const words = longCall(minutes).segments.reduce((n, s) => n + s.text.split(/\s+/).length, 0);
  if (outcome.outcome !== 'reviewed')
    throw new Error(`the ${minutes}-minute call was not reviewed: ${outcome.outcome}`);
  console.log(
    `${minutes}-minute call (${words} words): prompt ${outcome.promptTokens} tokens, answer ${outcome.completionTokens}` +
      ` (max_tokens ${sent.max_tokens}), transcript ${cut ? 'cut to the budget' : 'whole'}`,
  );
}

// 2. Reviews per minute: the newest 50 calls of a portal, as turning consent on queues them.
async function reviewsPerMinute(label: string, hubId: number) {
  await seedDemo(db, { hubId, conversations: Number(values.calls), analyse });
  const accountId = (
    await withSystem(db, (tx) => tx.query<{ id: string }>('SELECT id FROM accounts WHERE hub_id = $1', [hubId]))
  ).rows[0]!.id;
  const started = Date.now();
  await withTenant(db, { accountId }, (tx) => saveAiConsent(tx, true));
  await requestReviewSweep(backend.jobs.boss, accountId);
  const wanted = Math.min(50, Number(values.calls));
  let done = 0;
  while (done < wanted) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    done = (
      await withSystem(db, (tx) =>
        tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM call_reviews WHERE account_id = $1 AND status = 'reviewed'`,
          [accountId],
        ),
      )
    ).rows[0]!.n;
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${label}: ${wanted} reviews in ${seconds.toFixed(1)} s = ${((wanted / seconds) * 60).toFixed(1)} reviews/minute (2 at a time)`,
  );
}
await reviewsPerMinute('reviews, stand-in answering at once', 5201);
llm.fallback = { kind: 'slow', delayMs: latencyMs };
await reviewsPerMinute(`reviews, stand-in answering after ${latencyMs} ms`, 5202);
llm.fallback = { kind: 'answer' };

// 3. Webhook → review on the card.
const tenant = await seedTenant(db, 5301);
await withSystem(db, (tx) =>
  tx.query(`DELETE FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [tenant.accountId]),
);
const admin = { portalId: 5301, userId: 53011, userEmail: 'admin@5301.example.com' };
const connected = await signedFetch(backend.url, '/api/settings/fathom', {
  clientSecret,
  identity: admin,
  method: 'PUT',
  body: { apiKey: fathom.apiKey },
});
const { connectionId } = (await connected.json()) as { connectionId: string };
const secret = [...fathom.webhooks.values()][0]!.secret;
await signedFetch(backend.url, '/api/settings/ai', {
  clientSecret,
  identity: admin,
  method: 'PUT',
  body: { enabled: true },
});
await new Promise((resolve) => setTimeout(resolve, 5_000)); // the backfill and its reviews settle
const times: number[] = [];
for (let i = 0; i < Number(values.webhooks); i++) {
  const recordingId = 7_000_000 + i;
  const started = Date.now();
  await fathom.deliverWebhook({
    url: `${backend.url}/webhooks/fathom/${connectionId}`,
    secret,
    body: {
      ...fathom.meetings[0]!,
      recording_id: recordingId,
      title: `Webhook ${i}`,
      created_at: new Date().toISOString(),
    },
    id: `msg_${randomUUID()}`,
  });
  for (;;) {
    const id = (
      await withSystem(db, (tx) =>
        tx.query<{ id: string }>(`SELECT id FROM conversations WHERE external_id = $1`, [String(recordingId)]),
      )
    ).rows[0]?.id;
    if (id) {
      const card = (await (
        await signedFetch(backend.url, `/api/cards/conversations/${id}`, { clientSecret, identity: admin })
      ).json()) as { aiReview: unknown };
      if (card.aiReview) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  times.push(Date.now() - started);
}
times.sort((a, b) => a - b);
console.log(
  `webhook → review on the card: median ${(times[Math.floor(times.length / 2)]! / 1000).toFixed(1)} s, ` +
    `max ${(times.at(-1)! / 1000).toFixed(1)} s over ${times.length} webhooks (stand-in answering at once)`,
);

await backend.close();
await llm.close();
await fathom.close();
