import { expect } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
import { faultRig, onServer, workerProcessTest } from '../../support/faultFixture.ts';
import { waitFor } from '../../support/waitFor.ts';
import { generateMeetings } from '../../support/fathomStandIn.ts';

const HUB = 6102;
const DELIVERIES = 24;
// A buyer of its own for each meeting: every job looks its buyer up in HubSpot (none is answered
// from the worker's cache of earlier lookups), so the slow lookups below hold each job mid-work.
const BUYERS = Array.from({ length: DELIVERIES }, (_, i) => `buyer${i}@customer${i}.example`);

const rig = faultRig({
  runs: onServer,
  hubspot: {
    hubId: HUB,
    contacts: BUYERS.map((email, i) => ({ id: String(501 + i), email, dealIds: [String(2001 + i)] })),
    deals: BUYERS.map((_, i) => ({ id: String(2001 + i), closed: false })),
  },
  // No history in Fathom: every meeting of this test arrives by webhook.
  fathom: { count: 0 },
  workers: false,
});

const events = async () =>
  withSystem(
    rig.backend.testDb.db,
    async (tx) =>
      (
        await tx.query<{ received: number; processed: number }>(
          `SELECT count(*)::int AS received, count(*) FILTER (WHERE status = 'processed')::int AS processed
         FROM webhook_events WHERE account_id = $1`,
          [rig.accountId],
        )
      ).rows[0]!,
  );

workerProcessTest(
  `webhook jobs whose worker is killed with SIGKILL mid-processing are handed to a fresh worker: every meeting stored once, linked and analysed`,
  async () => {
    const { hubspot, fathom, accountId, startWorker } = rig;
    const db = rig.backend.testDb.db;
    const connect = await rig.connectFathom();
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

    const atKill = await rig.jobStates(SYNC_QUEUES.webhookMeeting);
    const orphaned = atKill.filter((job) => job.state === 'active').map((job) => job.id);
    expect(atKill).toHaveLength(DELIVERIES);
    expect(orphaned.length).toBeGreaterThan(0);
    expect((await events()).processed).toBeLessThan(DELIVERIES);

    hubspot.crmDelayMs = 0;
    const second = await startWorker();
    await waitFor(
      async () =>
        (await events()).processed === DELIVERIES &&
        (await rig.jobStates(SYNC_QUEUES.webhookMeeting)).every((job) => job.state === 'completed'),
      'every webhook processed',
      {
        timeoutMs: 40_000,
        describe: async () =>
          `${JSON.stringify(await events())} ${JSON.stringify(await rig.jobStates(SYNC_QUEUES.webhookMeeting))}\n${second.output()}`,
      },
    );

    expect(await rig.storedMeetings()).toEqual({
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
    const after = await rig.jobStates(SYNC_QUEUES.webhookMeeting);
    expect(
      after
        .filter((job) => job.retryCount > 0)
        .map((job) => job.id)
        .sort(),
    ).toEqual([...orphaned].sort());
    await second.stop('SIGTERM');
  },
);
