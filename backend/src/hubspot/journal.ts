import { z } from 'zod';
import { postTokenForm } from '../oauth/tokenEndpoint.ts';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenancy.ts';
import { UpstreamFailed } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { reinstallPortal, uninstallPortal } from './lifecycle.ts';

export const HUBSPOT_JOURNAL_QUEUE = 'hubspot-journal-poll';

// HubSpot's ids of its two app lifecycle event types (the webhooks journal spec's eventTypeId).
export const APP_INSTALL_EVENT_TYPE = '4-1909196';
export const APP_UNINSTALL_EVENT_TYPE = '4-1916193';

// What the client-credentials token may do: read the journal, read and create subscriptions.
const JOURNAL_SCOPES = [
  'developer.webhooks_journal.read',
  'developer.webhooks_journal.subscriptions.read',
  'developer.webhooks_journal.subscriptions.write',
];

// One run reads at most this many entries; the next run (a minute later) goes on from there.
const MAX_ENTRIES_PER_RUN = 500;
const TIMEOUT_MS = 10_000;

const tokenAnswer = z.looseObject({ access_token: z.string().min(1), expires_in: z.coerce.number().int().positive() });
const entryAnswer = z.looseObject({ url: z.url(), expiresAt: z.string(), currentOffset: z.string().min(1).max(200) });
// HubSpot's SubscriptionResponse (2026-03) has no eventTypeId: a lifecycle subscription names its
// event type in objectTypeId and its action in actions. Any of the three is recognised.
const subscriptions = z.looseObject({
  results: z.array(
    z.looseObject({
      id: z.coerce.number(),
      subscriptionType: z.string(),
      objectTypeId: z.string().optional(),
      actions: z.array(z.string()).optional(),
      eventTypeId: z.string().optional(),
    }),
  ),
});
const LIFECYCLE = [
  { eventTypeId: APP_INSTALL_EVENT_TYPE, action: 'APP_INSTALL' },
  { eventTypeId: APP_UNINSTALL_EVENT_TYPE, action: 'APP_UNINSTALL' },
] as const;
/** A lifecycle event in a journal file: { type, action, portalId, occurredAt, eventTypeId, properties }. */
const lifecycleEvent = z.looseObject({
  action: z.string(),
  portalId: z.coerce.number().int().positive(),
  occurredAt: z
    .union([z.number(), z.string()])
    .transform((value) => new Date(typeof value === 'number' ? value : Number(value) || value)),
  properties: z.looseObject({ hs_app_id: z.coerce.string().optional() }).optional(),
});

export type JournalDeps = {
  db: Database;
  logger: Logger;
  apiBase: string;
  clientId: string;
  clientSecret: string;
  appId: string;
  graceMs: number;
  /** Deletes the account's Fathom webhook while its credentials still exist (services.beforeUninstall). */
  beforeUninstall: (accountId: string) => Promise<void>;
  fetch?: typeof fetch;
};

export type JournalRun = {
  entries: number;
  uninstalled: number[];
  reinstalled: number[];
  restartedFromEarliest: boolean;
};

/**
 * One poll of HubSpot's webhooks journal (2026-03): makes sure the app's APP_LIFECYCLE_EVENT
 * subscriptions exist, then reads every entry after the stored offset, applies its install and
 * uninstall events, and stores the new offset after each entry. Reading an entry twice is
 * harmless: an uninstall older than the portal's latest install, or an install older than its
 * uninstall, changes nothing. An offset HubSpot no longer knows (the journal keeps three days)
 * starts the reading again from the earliest entry.
 */
export async function pollJournal(deps: JournalDeps): Promise<JournalRun> {
  const call = caller(deps, await clientCredentialsToken(deps));
  const state = await withSystem(
    deps.db,
    async (tx) =>
      (
        await tx.query<{ journal_offset: string | null; subscribed_at: Date | null }>(
          `SELECT journal_offset, subscribed_at FROM hubspot_journal_state`,
        )
      ).rows[0]!,
  );
  if (!state.subscribed_at) await ensureSubscriptions(deps, call);

  const run: JournalRun = { entries: 0, uninstalled: [], reinstalled: [], restartedFromEarliest: false };
  let offset = state.journal_offset;
  while (run.entries < MAX_ENTRIES_PER_RUN) {
    const path = offset
      ? `/webhooks-journal/journal/2026-03/offset/${encodeURIComponent(offset)}/next`
      : '/webhooks-journal/journal/2026-03/earliest';
    const answer = await call('GET', path);
    if (answer.status === 404 && offset && !run.restartedFromEarliest) {
      deps.logger.warn('the stored journal offset has expired: reading the journal again from its earliest entry');
      run.restartedFromEarliest = true;
      offset = null;
      continue;
    }
    if (answer.status === 204 || answer.status === 404) break;
    if (!answer.ok) throw new UpstreamFailed(`HubSpot's webhooks journal answered ${answer.status}.`);
    const entry = entryAnswer.parse(await answer.json());
    // The entry's file is behind a pre-signed URL: fetched without our token.
    const file = await (deps.fetch ?? fetch)(entry.url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    if (!file.ok) throw new UpstreamFailed(`HubSpot's journal file answered ${file.status}.`);
    const body: unknown = await file.json();
    for (const raw of Array.isArray(body) ? body : [body]) await applyEvent(deps, raw, run);
    offset = entry.currentOffset;
    run.entries += 1;
    await withSystem(deps.db, (tx) =>
      tx.query(
        `UPDATE hubspot_journal_state SET journal_offset = $1, entries_read = entries_read + 1, updated_at = now()`,
        [offset],
      ),
    );
  }
  await withSystem(deps.db, (tx) => tx.query(`UPDATE hubspot_journal_state SET last_polled_at = now()`));
  return run;
}

async function applyEvent(deps: JournalDeps, raw: unknown, run: JournalRun): Promise<void> {
  const parsed = lifecycleEvent.safeParse(raw);
  if (!parsed.success || Number.isNaN(parsed.data.occurredAt.getTime())) return;
  const event = parsed.data;
  // The journal is the app's own; an event naming another app is not ours to act on.
  if (event.properties?.hs_app_id && event.properties.hs_app_id !== deps.appId) return;
  if (event.action === 'APP_UNINSTALL') {
    const done = await uninstallPortal(deps.db, event.portalId, {
      graceMs: deps.graceMs,
      occurredAt: event.occurredAt,
      beforeDestroy: deps.beforeUninstall,
    });
    if (done) {
      run.uninstalled.push(event.portalId);
      deps.logger.info({ hubId: event.portalId }, 'app uninstalled (HubSpot journal)');
    }
  } else if (event.action === 'APP_INSTALL') {
    if (await reinstallPortal(deps.db, event.portalId, event.occurredAt)) {
      run.reinstalled.push(event.portalId);
      deps.logger.info({ hubId: event.portalId }, 'app reinstalled within the grace period (HubSpot journal)');
    }
  }
}

/** The app's client-credentials token (the journal API acts for the app, not for a portal). */
async function clientCredentialsToken(deps: JournalDeps): Promise<string> {
  // The 2026-03 token endpoint issues client-credentials tokens for the journal API (/oauth/v1 retires 2027-02-16).
  const answer = tokenAnswer.safeParse(
    await postTokenForm({
      provider: 'HubSpot',
      url: `${deps.apiBase}/oauth/2026-03/token`,
      form: {
        grant_type: 'client_credentials',
        client_id: deps.clientId,
        client_secret: deps.clientSecret,
        scope: JOURNAL_SCOPES.join(' '),
      },
      what: 'issue a client-credentials token',
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }),
  );
  if (!answer.success) throw new UpstreamFailed("HubSpot's client-credentials answer had an unexpected shape.");
  return answer.data.access_token;
}

type Call = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Response>;

function caller(deps: JournalDeps, token: string): Call {
  return async (method, path, body) => {
    try {
      return await (deps.fetch ?? fetch)(`${deps.apiBase}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new UpstreamFailed("HubSpot's webhooks journal could not be reached.");
    }
  };
}

/** Creates the install and uninstall subscriptions the journal needs, once (they are app-wide). */
async function ensureSubscriptions(deps: JournalDeps, call: Call): Promise<void> {
  const listed = await call('GET', '/webhooks-journal/subscriptions/2026-03');
  if (!listed.ok) throw new UpstreamFailed(`HubSpot's journal subscriptions answered ${listed.status}.`);
  const existing = subscriptions
    .parse(await listed.json())
    .results.filter((s) => s.subscriptionType === 'APP_LIFECYCLE_EVENT');
  for (const { eventTypeId, action } of LIFECYCLE) {
    const covers = (s: (typeof existing)[number]) =>
      s.eventTypeId === eventTypeId || s.objectTypeId === eventTypeId || !!s.actions?.includes(action);
    if (existing.some(covers)) continue;
    const created = await call('POST', '/webhooks-journal/subscriptions/2026-03', {
      subscriptionType: 'APP_LIFECYCLE_EVENT',
      eventTypeId,
      properties: [],
    });
    if (!created.ok)
      throw new UpstreamFailed(`HubSpot refused the ${eventTypeId} journal subscription (HTTP ${created.status}).`);
  }
  await withSystem(deps.db, (tx) =>
    tx.query(`UPDATE hubspot_journal_state SET subscribed_at = now(), updated_at = now()`),
  );
}
