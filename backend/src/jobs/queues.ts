/** Names of the pg-boss queues of the app itself (the sync's own are in sync/syncJobs.ts). */
export const QUEUES = {
  /** The SYNC_SCHEDULE tick: queues one sync per connected account and purges uninstalled ones. */
  syncTick: 'sync-tick',
} as const;
