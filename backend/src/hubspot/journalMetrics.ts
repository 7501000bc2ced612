import { Counter, type Registry } from 'prom-client';

/** The journal poller's own counters, in the app's registry (metrics.ts). */
export type JournalMetrics = {
  /** Journal files refused (not fetched, too large, redirected, of an unknown shape); each poll counts once. */
  filesRefused: Counter;
  /** Entries given up on after an hour of refusals (hubspot_journal_dead_letters). */
  deadLetters: Counter;
};

export function journalMetrics(registry: Registry): JournalMetrics {
  return {
    filesRefused: new Counter({
      name: 'fathom_hubspot_journal_files_refused_total',
      help: 'HubSpot webhooks-journal files the poller could not read or understand (the offset stays; retried next poll)',
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'fathom_hubspot_journal_dead_letters_total',
      help: 'HubSpot webhooks-journal entries given up on after an hour of failures (see hubspot_journal_dead_letters)',
      registers: [registry],
    }),
  };
}
