import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
import { engine } from '../../support/database.ts';
import { FAST_RECOVERY, jobStates, storedMeetings, waitFor } from '../../support/faultFixture.ts';
import { generateMeetings, startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../../support/workerProcess.ts';

// A worker is a process of its own, so it needs a database server both processes reach.
const onServer = engine === 'postgres';
const maybe = onServer ? test : test.skip;
const SKIPPED = onServer ? '' : ' [skipped on PGlite: a second process needs PostgreSQL; set TEST_DATABASE_URL]';

const HUB = 6102;
const DELIVERIES = 24;
const BUYERS = ['jane.buyer@customer.example', 'omar.lead@prospect.example'];

let hubspot: HubSpotStandIn;
let fathom: FathomStandIn;
let backend: TestBackend;
let accountId: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  if (!onServer) return;
  hubspot = await startHubSpotStandIn({
    hubId: HUB,
    contacts: BUYERS.map((email, i) => ({ id: String(501 + i), email, dealIds: [String(901 + i)] })),
    deals: BUYERS.map((_, i) => ({ id: String(901 + i), closed: false })),
  });
  // No history in Fathom: every meeting of this test arrives by webhook.
  fathom = await startFathomStandIn({ count: 0 });
  backend = await startTestBackend(
    { ...hubspotEnv(hubspot), FATHOM_API_BASE: fathom.baseUrl },
    { workers: false, tuning: FAST_RECOVERY },
  );
  await installThroughStandIn(backend.url);
  accountId = (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ id: string }>('SELECT id FROM accounts WHERE hub_id = $1', [HUB]),
    )
  ).rows[0]!.id;
});
afterAll(async () => {
  if (!onServer) return;
  for (const worker of workers) await worker.stop('SIGKILL');
  await backend.close();
  await fathom.close();
  await hubspot.close();
});

const startWorker = async () => {
  const worker = await startWorkerProcess(workerEnv(backend, FAST_RECOVERY));
  workers.push(worker);
  return worker;
};

const events = async () =>
  withSystem(
    backend.testDb.db,
    async (tx) =>
      (
        await tx.query<{ received: number; processed: number }>(
          `SELECT count(*)::int AS received, count(*) FILTER (WHERE status = 'processed')::int AS processed
         FROM webhook_events WHERE account_id = $1`,
          [accountId],
        )
      ).rows[0]!,
  );

maybe(
  `webhook jobs whose worker is killed with SIGKILL mid-processing are handed to a fresh worker: every meeting stored once, linked and analysed${SKIPPED}`,
  async () => {
    const db = backend.testDb.db;
    const connect = await signedFetch(backend.url, '/api/settings/fathom', {
      clientSecret: hubspot.clientSecret,
      identity: {
        portalId: HUB,
        userId: hubspot.installingUser.id,
        userEmail: hubspot.installingUser.email.toLowerCase(),
      },
      method: 'PUT',
      body: { apiKey: fathom.apiKey },
    });
    expect(connect.status).toBe(200);
    const [hook] = [...fathom.webhooks.values()];

    // Fathom pushes the meetings while no worker runs: each delivery is stored and queued as a job.
    const meetings = generateMeetings({
      count: DELIVERIES,
      firstRecordingId: 700_001,
      inviteeEmails: BUYERS,
      newest: new Date(),
    });
    const ids = meetings.map((meeting) => `msg_${meeting.recording_id}`);
    for (const [i, meeting] of meetings.entries()) {
      const delivery = await fathom.deliverWebhook({
        url: hook!.url,
        secret: hook!.secret,
        body: meeting,
        id: ids[i]!,
      });
      expect(delivery).toEqual({ status: 200, body: '{"status":"accepted"}' });
    }
    // Fathom resends a few (same webhook-id): accepted once.
    for (const i of [0, 5, 11]) {
      expect(
        (await fathom.deliverWebhook({ url: hook!.url, secret: hook!.secret, body: meetings[i], id: ids[i]! })).body,
      ).toBe('{"status":"duplicate"}');
    }
    expect(await events()).toEqual({ received: DELIVERIES, processed: 0 });

    // Slow HubSpot record linking, so jobs are in the middle of their work when the worker dies.
    hubspot.crmDelayMs = 400;
    const first = await startWorker();
    await waitFor(async () => (await events()).processed >= 4, 'four webhooks processed by the first worker', {
      describe: first.output,
    });
    await first.stop('SIGKILL');

    const atKill = await jobStates(db, SYNC_QUEUES.webhookMeeting);
    const orphaned = atKill.filter((job) => job.state === 'active').map((job) => job.id);
    expect(atKill).toHaveLength(DELIVERIES);
    expect(orphaned.length).toBeGreaterThan(0);
    expect((await events()).processed).toBeLessThan(DELIVERIES);

    hubspot.crmDelayMs = 0;
    const second = await startWorker();
    await waitFor(
      async () =>
        (await events()).processed === DELIVERIES &&
        (await jobStates(db, SYNC_QUEUES.webhookMeeting)).every((job) => job.state === 'completed'),
      'every webhook processed',
      {
        timeoutMs: 40_000,
        describe: async () =>
          `${JSON.stringify(await events())} ${JSON.stringify(await jobStates(db, SYNC_QUEUES.webhookMeeting))}\n${second.output()}`,
      },
    );

    expect(await storedMeetings(db, accountId)).toEqual({
      conversations: DELIVERIES,
      recordings: DELIVERIES,
      analysed: DELIVERIES,
    });
    const recordings = await withSystem(
      db,
      async (tx) =>
        (
          await tx.query<{ external_id: string; links: number }>(
            `SELECT c.external_id, count(l.*)::int AS links FROM conversations c
         LEFT JOIN conversation_crm_links l ON l.account_id = c.account_id AND l.conversation_id = c.id AND l.source IN ('email', 'association')
        WHERE c.account_id = $1 GROUP BY c.external_id ORDER BY c.external_id`,
            [accountId],
          )
        ).rows,
    );
    expect(recordings.map((row) => row.external_id)).toEqual(meetings.map((meeting) => String(meeting.recording_id)));
    // Linked through HubSpot (contact and deal), also those whose first worker died mid-link.
    expect(recordings.filter((row) => row.links !== 2)).toEqual([]);
    // The jobs the dead worker held were handed out again; nothing else ran twice.
    const after = await jobStates(db, SYNC_QUEUES.webhookMeeting);
    expect(
      after
        .filter((job) => job.retryCount > 0)
        .map((job) => job.id)
        .sort(),
    ).toEqual([...orphaned].sort());
    await second.stop('SIGTERM');
  },
);
