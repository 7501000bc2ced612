/** Names of the pg-boss queues, in one place. */
export const QUEUES = {
  /** The SYNC_SCHEDULE tick: fans out one sync per connected account. */
  syncTick: 'sync-tick',
} as const;
