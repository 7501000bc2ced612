import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenancy.ts';
import { UpstreamFailed } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { fetchJournalFile, JournalFileNotUnderstood } from './journalFile.ts';
import type { JournalMetrics } from './journalMetrics.ts';
import { ensureSubscriptions, subscriptionsDue, type JournalCall } from './journalSubscriptions.ts';
import type { JournalToken } from './journalToken.ts';
import { reinstallPortal, uninstallPortal } from './lifecycle.ts';

export const HUBSPOT_JOURNAL_QUEUE = 'hubspot-journal-poll';
export { APP_INSTALL_EVENT_TYPE, APP_UNINSTALL_EVENT_TYPE } from './journalSubscriptions.ts';

// One run reads at most this many entries; the next run (a minute later) goes on from there.
const MAX_ENTRIES_PER_RUN = 500;
const TIMEOUT_MS = 10_000;
/** HubSpot keeps journal entries this long; only an offset older than that can have expired. */
export const JOURNAL_RETENTION_MS = 3 * 24 * 3_600_000;
/** A file refused for this long is set aside (dead letter) and the poller moves past it. */
export const DEAD_LETTER_AFTER_MS = 3_600_000;

const entryAnswer = z.looseObject({
  url: z.string().min(1),
  expiresAt: z.string(),
  currentOffset: z.string().min(1).max(200),
});
const LIFECYCLE_ACTIONS = ['APP_INSTALL', 'APP_UNINSTALL'] as const;
/** A lifecycle event in a journal file: { type, action, portalId, occurredAt, eventTypeId, properties }. */
const lifecycleEvent = z.looseObject({
  action: z.enum(LIFECYCLE_ACTIONS),
  portalId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  occurredAt: z
    .union([z.number(), z.string()])
    .transform((value) => new Date(typeof value === 'number' ? value : Number(value) || value))
    .refine((date) => !Number.isNaN(date.getTime()), 'not a time'),
  properties: z.looseObject({ hs_app_id: z.coerce.string().optional() }).optional(),
});
type LifecycleEvent = z.infer<typeof lifecycleEvent>;

export type JournalDeps = {
  db: Database;
  logger: Logger;
  apiBase: string;
  appId: string;
  graceMs: number;
  /** The app's client-credentials token, cached until it expires. */
  token: JournalToken;
  metrics: JournalMetrics;
  /** Deletes the account's Fathom webhook while its credentials still exist (services.beforeUninstall). */
  beforeUninstall: (accountId: string) => Promise<void>;
  fetch?: typeof fetch;
  now?: () => number;
};

export type JournalRun = {
  entries: number;
  uninstalled: number[];
  reinstalled: number[];
  restartedFromEarliest: boolean;
  /** Why the file at the stored offset was refused this time (the offset stayed where it was). */
  refused?: string;
  /** Entries set aside after an hour of refusals. */
  deadLettered?: string[];
};

type State = {
  journal_offset: string | null;
  offset_published_at: Date | null;
  subscribed_at: Date | null;
  failing_offset: string | null;
  failing_since: Date | null;
};

/**
 * One poll of HubSpot's webhooks journal (2026-03): checks the app's APP_LIFECYCLE_EVENT
 * subscriptions once a day, then reads every entry after the stored offset, applies its install
 * and uninstall events for our app, and stores the new offset after each entry. The offset never
 * moves past a file that was not understood: that poll stops there and the next one tries again;
 * after an hour of failures the entry is set aside in hubspot_journal_dead_letters. Reading an
 * entry twice is harmless: an uninstall older than the portal's latest install, or an install
 * older than its uninstall, changes nothing.
 */
export async function pollJournal(deps: JournalDeps): Promise<JournalRun> {
  const now = deps.now ?? Date.now;
  const call = caller(deps);
  const state = await withSystem(
    deps.db,
    async (tx) =>
      (
        await tx.query<State>(
          `SELECT journal_offset, offset_published_at, subscribed_at, failing_offset, failing_since FROM hubspot_journal_state`,
        )
      ).rows[0]!,
  );
  if (subscriptionsDue(state.subscribed_at, now())) await ensureSubscriptions(deps.db, call);

  const run: JournalRun = { entries: 0, uninstalled: [], reinstalled: [], restartedFromEarliest: false };
  let offset = state.journal_offset;
  while (run.entries < MAX_ENTRIES_PER_RUN) {
    const path = offset
      ? `/webhooks-journal/journal/2026-03/offset/${encodeURIComponent(offset)}/next`
      : '/webhooks-journal/journal/2026-03/earliest';
    const answer = await call('GET', path);
    if (answer.status === 204) break;
    if (answer.status === 404 && offset) {
      // HubSpot answers 404 for an offset it no longer keeps, and for one it does not know.
      const readAt = state.offset_published_at?.getTime() ?? 0;
      if (now() - readAt < JOURNAL_RETENTION_MS || run.restartedFromEarliest)
        throw new UpstreamFailed("HubSpot's journal answered 404 for an offset younger than three days.");
      deps.logger.warn('the stored journal offset has expired: reading the journal again from its earliest entry');
      run.restartedFromEarliest = true;
      offset = null;
      await withSystem(deps.db, (tx) =>
        tx.query(
          `UPDATE hubspot_journal_state SET journal_offset = NULL, offset_published_at = NULL, updated_at = now()`,
        ),
      );
      continue;
    }
    if (answer.status === 404) break;
    if (!answer.ok) throw new UpstreamFailed(`HubSpot's webhooks journal answered ${answer.status}.`);
    const entry = entryAnswer.parse(await answer.json());

    let events: LifecycleEvent[];
    let publishedAt: Date | null;
    try {
      const file = await fetchJournalFile(entry.url, {
        apiBase: deps.apiBase,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
      events = understood(file.events);
      publishedAt = file.publishedAt;
    } catch (error) {
      if (!(error instanceof JournalFileNotUnderstood)) throw error;
      const since = await noteRefusal(deps, state, entry.currentOffset, error.message, now());
      deps.metrics.filesRefused.inc();
      deps.logger.error({ entryOffset: entry.currentOffset, reason: error.message }, 'HubSpot journal file refused');
      if (now() - since.getTime() < DEAD_LETTER_AFTER_MS) {
        run.refused = error.message;
        break;
      }
      await deadLetter(deps, entry.currentOffset, error.message, since);
      (run.deadLettered ??= []).push(entry.currentOffset);
      offset = entry.currentOffset;
      state.offset_published_at = new Date(now());
      continue;
    }
    for (const event of events) await applyEvent(deps, event, run);
    offset = entry.currentOffset;
    state.offset_published_at = publishedAt ?? new Date(now());
    run.entries += 1;
    await withSystem(deps.db, (tx) =>
      tx.query(
        `UPDATE hubspot_journal_state SET journal_offset = $1, offset_published_at = $2, entries_read = entries_read + 1,
                failing_offset = NULL, failing_since = NULL, failing_reason = NULL, updated_at = now()`,
        [offset, state.offset_published_at],
      ),
    );
  }
  await withSystem(deps.db, (tx) => tx.query(`UPDATE hubspot_journal_state SET last_polled_at = now()`));
  return run;
}

/**
 * The lifecycle events of a file that are for our app. A lifecycle event we cannot read makes the
 * whole file not understood (nothing of it is applied); events of other kinds, and events of
 * another app or that name no app, are passed over.
 */
function understood(raw: unknown[]): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  for (const item of raw) {
    const head = z.looseObject({ type: z.string().optional(), action: z.string().optional() }).safeParse(item);
    if (!head.success) throw new JournalFileNotUnderstood('an event of the file is not an object');
    const lifecycle =
      head.data.type === 'app_lifecycle_event' || LIFECYCLE_ACTIONS.some((action) => action === head.data.action);
    if (!lifecycle) continue;
    const event = lifecycleEvent.safeParse(item);
    if (!event.success) throw new JournalFileNotUnderstood('a lifecycle event of the file has an unknown shape');
    events.push(event.data);
  }
  return events;
}

async function applyEvent(deps: JournalDeps, event: LifecycleEvent, run: JournalRun): Promise<void> {
  // The journal is the app's; an event that does not name our app id is not ours to act on.
  if (event.properties?.hs_app_id !== deps.appId) {
    deps.logger.warn({ hubId: event.portalId, action: event.action }, 'journal event not for this app: passed over');
    return;
  }
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
  } else if (await reinstallPortal(deps.db, event.portalId, event.occurredAt)) {
    run.reinstalled.push(event.portalId);
    deps.logger.info({ hubId: event.portalId }, 'app reinstalled within the grace period (HubSpot journal)');
  }
}

/** Notes that the entry's file was refused; returns since when this entry has been failing. */
async function noteRefusal(deps: JournalDeps, state: State, entryOffset: string, reason: string, at: number) {
  if (state.failing_offset === entryOffset && state.failing_since) return state.failing_since;
  state.failing_offset = entryOffset;
  state.failing_since = new Date(at);
  await withSystem(deps.db, (tx) =>
    tx.query(
      `UPDATE hubspot_journal_state SET failing_offset = $1, failing_since = $2, failing_reason = $3, updated_at = now()`,
      [entryOffset, state.failing_since, reason],
    ),
  );
  return state.failing_since;
}

/** Sets the entry aside and moves the offset past it, in one transaction. */
async function deadLetter(deps: JournalDeps, entryOffset: string, reason: string, since: Date): Promise<void> {
  await withSystem(deps.db, async (tx) => {
    await tx.query(
      `INSERT INTO hubspot_journal_dead_letters (entry_offset, reason, first_failed_at) VALUES ($1, $2, $3)
       ON CONFLICT (entry_offset) DO NOTHING`,
      [entryOffset, reason, since],
    );
    await tx.query(
      `UPDATE hubspot_journal_state SET journal_offset = $1, offset_published_at = now(), failing_offset = NULL,
              failing_since = NULL, failing_reason = NULL, updated_at = now()`,
      [entryOffset],
    );
  });
  deps.metrics.deadLetters.inc();
  deps.logger.error(
    { entryOffset, reason, failingSince: since.toISOString() },
    'HubSpot journal entry set aside after an hour of failures; its events were not applied',
  );
}

function caller(deps: JournalDeps): JournalCall {
  return async (method, path, body) => {
    const token = await deps.token.get();
    let answer: Response;
    try {
      answer = await (deps.fetch ?? fetch)(`${deps.apiBase}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new UpstreamFailed("HubSpot's webhooks journal could not be reached.");
    }
    if (answer.status === 401) {
      deps.token.forget();
      throw new UpstreamFailed(
        "HubSpot refused the journal's client-credentials token; a new one is asked for next time.",
      );
    }
    return answer;
  };
}
