import type { Client } from '@hubspot/api-client';
import type { Database } from '../../db/database.ts';
import { withTenant } from '../../db/tenancy.ts';
import type { Logger } from '../../logger.ts';
import { updateObjects } from '../crmWrites.ts';
import { pendingWrites, rememberWrites, type PendingWrite, type ScoreMode } from './pendingWrites.ts';
import { createCallProperties } from './properties.ts';
import { missingWritebackScopes, readWriteback, savePropertiesCreated } from './settings.ts';
import { CRM_OBJECT_TYPES } from '../../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

/** HubSpot's batch endpoints take at most 100 inputs. */
export const BATCH = 100;

export type WritebackDeps = { db: Database; logger: Logger; hubspotClient(accountId: string): Promise<Client> };

export type WritebackRun =
  { outcome: 'off' | 'missing_scopes' } | { outcome: 'written'; written: number; refused: number; batches: number };

/**
 * Brings the portal's records up to date with their calls: creates the properties the first time
 * (and the score property when scores are first asked for), then writes the records that differ
 * from what was last written, in batches of up to 100 per object type. A record HubSpot refuses
 * is logged and skipped; the rest of its batch is written. What was written is remembered after
 * each batch, so a job cut short resumes where it stopped.
 */
export async function writeBack(deps: WritebackDeps, accountId: string): Promise<WritebackRun> {
  const { db, logger } = deps;
  const { settings, missing } = await withTenant(db, { accountId }, async (tx) => ({
    settings: await readWriteback(tx),
    missing: await missingWritebackScopes(tx),
  }));
  if (!settings.enabled) return { outcome: 'off' };
  if (missing.length) return { outcome: 'missing_scopes' };

  const client = await deps.hubspotClient(accountId);
  const created = settings.properties;
  if (!created || (settings.includeScores && !created.scores)) {
    await createCallProperties(client, settings.includeScores);
    const scores = settings.includeScores || (created?.scores ?? false);
    await withTenant(db, { accountId }, (tx) => savePropertiesCreated(tx, { scores }));
  }
  const scoreMode: ScoreMode = settings.includeScores ? 'write' : created?.scores ? 'clear' : 'omit';
  const pending = await withTenant(db, { accountId }, (tx) => pendingWrites(tx, scoreMode));

  const run = { outcome: 'written' as const, written: 0, refused: 0, batches: 0 };
  for (const type of CRM_OBJECT_TYPES) {
    const ofType = pending.filter((write) => write.type === type);
    for (let start = 0; start < ofType.length; start += BATCH) {
      const batch = ofType.slice(start, start + BATCH);
      const result = await updateObjects(
        client,
        type,
        batch.map(({ id, properties }) => ({ id, properties })),
      );
      run.batches += 1;
      run.written += result.written.length;
      run.refused += result.refused.length;
      for (const { id, reason } of result.refused)
        logger.warn({ accountId, objectType: type, objectId: id, reason }, 'HubSpot refused a write-back: skipped');
      await withTenant(db, { accountId }, (tx) => rememberWrites(tx, batch satisfies PendingWrite[]));
    }
  }
  return run;
}
