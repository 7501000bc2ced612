import { Router, type NextFunction, type Request, type Response } from 'express';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type {
  DataRetention,
  FathomConnected,
  FathomStatus,
  People,
  SyncLogs,
  SyncStarted,
  UsersImported,
} from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import { readTrackers, saveTrackers } from '../coaching/trackerSettings.ts';
import { connectFathomApiKey } from '../fathom/connection/apiKeyConnect.ts';
import type { FathomDeps } from '../fathom/connection/types.ts';
import { disconnectFathom } from '../fathom/connection/disconnect.ts';
import { fathomStatus } from '../fathom/connection/status.ts';
import { oauthOffer } from '../fathom/connection/oauthConnect.ts';
import type { Database, Queryable } from '../db/database.ts';
import { Conflict, InvalidInput } from '../errors.ts';
import { removeInstallation } from '../hubspot/removeInstallation.ts';
import { requestSync } from '../sync/syncJobs.ts';
import { listSyncLogs } from '../sync/syncLogs.ts';
import { DEFAULT_TOPICS } from '../coaching/analysis/topics.ts';
import type { Caller } from '../users/caller.ts';
import { listRoles, setRole } from '../users/roles.ts';
import { addUsers, fetchHubSpotUsers } from '../users/importHubSpotUsers.ts';
import type { Client } from '@hubspot/api-client';
import { boundedDay } from './inputs.ts';
import type { CallerRunner } from './signedRequest.ts';
import type { CallerOptions } from '../users/resolveCaller.ts';

const hubspotUserId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const roleChange = z.strictObject({
  hubspotUserId,
  role: z.enum(['admin', 'manager', 'rep']),
  managerHubspotUserId: hubspotUserId.nullable().optional(),
});
const fathomKey = z.strictObject({
  // Fathom keys are opaque tokens; refuse whitespace and anything absurdly long before calling Fathom.
  apiKey: z
    .string()
    .trim()
    .min(16, 'apiKey: too short to be a Fathom API key')
    .max(512)
    .regex(/^\S+$/, 'apiKey: must not contain spaces'),
  backfillSince: boundedDay.optional(),
});
const trackerName = z.string().regex(/^[a-zA-Z][a-zA-Z_]{1,39}$/, 'tracker names are letters and underscores');
const trackers = z.strictObject({
  trackers: z
    .record(trackerName, z.array(z.string().trim().min(2).max(80)).max(200))
    .refine((t) => Object.keys(t).length <= 30, 'at most 30 trackers'),
});
// The removal names the portal in its body too: a second confirmation, that of the admin's page.
const removal = z.strictObject({ hubId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
// "Import calls since" chosen before "Connect with Fathom": the link carries it (YYYY-MM-DD).
const fathomQuery = z.object({ backfillSince: boundedDay.optional() });
const logsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

const callerOf = (res: Response) => res.locals.caller as Caller;
const ADMINS_ONLY = 'Only admins of this portal can open the app settings.';
const ADMIN_READ = { readOnly: true, requireRole: 'admin', forbiddenMessage: ADMINS_ONLY } as const;
const ADMIN_WRITE = { readOnly: false, requireRole: 'admin', forbiddenMessage: ADMINS_ONLY } as const;

export type SettingsDeps = {
  db: Database;
  boss: PgBoss;
  fathom: FathomDeps;
  syncSchedule: string;
  /** How long an uninstalled portal's data is kept (UNINSTALL_GRACE_HOURS): the data section says so. */
  uninstallGraceMs: number;
  hubspotClient: (accountId: string) => Promise<Client>;
  asCaller: CallerRunner;
  /** Deletes the account's Fathom webhook before its credentials go (services.beforeUninstall). */
  beforeUninstall: (accountId: string) => Promise<void>;
};

/** The admin settings API. Mounted behind signedCaller; everything here is for admins. */
export function settingsRoutes(deps: SettingsDeps): Router {
  const { db } = deps;
  const router = Router();
  // Every route is for admins. Routes that only touch the database resolve the caller and work in
  // one transaction; the others (calls to Fathom or HubSpot between transactions) resolve him first,
  // read-only, and keep him in res.locals.caller.
  const asCaller = <T>(
    res: Response,
    fn: (tx: Queryable, caller: Caller) => Promise<T>,
    options: CallerOptions = ADMIN_READ,
  ) => deps.asCaller(res, options, fn);
  const adminOnly = async (_req: Request, res: Response, next: NextFunction) => {
    await deps.asCaller(res, ADMIN_READ, async () => undefined);
    next();
  };

  router.get('/roles', async (_req, res) => {
    const items = await asCaller(res, listRoles);
    res.json({ items, nextCursor: null } satisfies People);
  });

  router.put('/roles', async (req, res) => {
    const change = roleChange.parse(req.body);
    res.json(await asCaller(res, (tx, caller) => setRole(tx, caller, change), ADMIN_WRITE));
  });

  router.post('/roles/import', adminOnly, async (_req, res) => {
    const caller = callerOf(res);
    const users = await fetchHubSpotUsers(await deps.hubspotClient(caller.accountId));
    const added = await asCaller(res, (tx) => addUsers(tx, caller.accountId, users), ADMIN_WRITE);
    res.json({ found: users.length, added } satisfies UsersImported);
  });

  // Every answer about the connection carries the "Connect Fathom" OAuth link (or why there is none).
  const withOffer = (res: Response, status: Omit<FathomStatus, 'oauth'>, since?: string): FathomStatus => ({
    ...status,
    oauth: oauthOffer(deps.fathom, callerOf(res), since),
  });

  router.get('/fathom', adminOnly, async (req, res) => {
    const { backfillSince } = fathomQuery.parse(req.query);
    res.json(withOffer(res, await fathomStatus(db, callerOf(res)), backfillSince));
  });

  router.put('/fathom', adminOnly, async (req, res) => {
    const input = fathomKey.parse(req.body);
    const caller = callerOf(res);
    const status = await connectFathomApiKey(deps.fathom, caller, {
      apiKey: input.apiKey,
      backfillSince: input.backfillSince ? new Date(`${input.backfillSince}T00:00:00Z`) : undefined,
    });
    const jobId = await requestSync(deps.boss, caller.accountId);
    res.json({ ...withOffer(res, status), syncJobId: jobId } satisfies FathomConnected);
  });

  router.delete('/fathom', adminOnly, async (_req, res) => {
    res.json(withOffer(res, await disconnectFathom(deps.fathom, callerOf(res))));
  });

  router.get('/data', adminOnly, (_req, res) => {
    res.json({ uninstallGraceHours: Math.round(deps.uninstallGraceMs / 3_600_000) } satisfies DataRetention);
  });

  // "Remove the app and delete our data": HubSpot uninstalls the app, then everything goes at once.
  router.delete('/installation', adminOnly, async (req, res) => {
    const { hubId } = removal.parse(req.body);
    if (hubId !== callerOf(res).hubId)
      throw new InvalidInput(`hubId: ${hubId} is not this portal's hub id; nothing was removed.`);
    const { hubspotClient, beforeUninstall } = deps;
    await removeInstallation({ db, logger: deps.fathom.logger, hubspotClient, beforeUninstall }, callerOf(res));
    res.json({ status: 'removed' });
  });

  router.post('/sync', adminOnly, async (_req, res) => {
    const caller = callerOf(res);
    const status = await fathomStatus(db, caller);
    if (!status.connected) throw new Conflict('Fathom is not connected yet: connect it first, then sync.');
    const jobId = await requestSync(deps.boss, caller.accountId);
    res.status(202).json({ jobId, alreadyQueued: jobId === null } satisfies SyncStarted);
  });

  // Phrases an admin adds to the analysis, per account: `competitors: ["Acme CI"]`, new topics,
  // `nextSteps` phrases. They apply to calls analysed from now on (npm run analyse redoes old ones).
  router.get('/trackers', async (_req, res) => {
    const trackers = await asCaller(res, readTrackers);
    res.json({ trackers: trackers ?? {}, defaults: DEFAULT_TOPICS });
  });

  router.put('/trackers', async (req, res) => {
    const input = trackers.parse(req.body);
    await asCaller(res, (tx) => saveTrackers(tx, input.trackers), ADMIN_WRITE);
    res.json({ trackers: input.trackers });
  });

  router.get('/sync-logs', async (req, res) => {
    const { limit } = logsQuery.parse(req.query);
    const items = await asCaller(res, (tx) => listSyncLogs(tx, limit));
    const [nextScheduledRun] = deps.boss.previewSchedule(deps.syncSchedule, { count: 1 });
    res.json({ items, nextCursor: null, nextScheduledRun: nextScheduledRun?.toISOString() ?? null } satisfies SyncLogs);
  });

  return router;
}
