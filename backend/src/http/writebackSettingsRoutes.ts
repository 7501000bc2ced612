import { Router } from 'express';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { WritebackSettings } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import { missingWritebackScopes, readWriteback, saveWritebackChoice } from '../hubspot/writeback/settings.ts';
import { requestWriteback } from '../hubspot/writeback/writebackJobs.ts';
import type { CallerRunner } from './signedRequest.ts';

const choice = z.strictObject({ enabled: z.boolean(), includeScores: z.boolean() });
const ADMINS_ONLY = 'Only admins of this portal can open the app settings.';
const ADMIN_READ = { readOnly: true, requireRole: 'admin', forbiddenMessage: ADMINS_ONLY } as const;
const ADMIN_WRITE = { readOnly: false, requireRole: 'admin', forbiddenMessage: ADMINS_ONLY } as const;

/**
 * GET|PUT /api/settings/writeback: whether call data is written to the portal's contacts, deals
 * and companies, scores included or not (admins only), and the write scopes the portal did not
 * grant (then nothing is written until an admin reinstalls). Turned on, the portal's write-back
 * job is queued: it creates the properties and fills every record that has calls.
 */
export function writebackSettingsRoutes(deps: { asCaller: CallerRunner; boss: PgBoss }): Router {
  const router = Router();

  router.get('/writeback', async (_req, res) => {
    const answer = await deps.asCaller(res, ADMIN_READ, async (tx) => {
      const { enabled, includeScores } = await readWriteback(tx);
      return { enabled, includeScores, missingScopes: await missingWritebackScopes(tx) };
    });
    res.json(answer satisfies WritebackSettings);
  });

  router.put('/writeback', async (req, res) => {
    const input = choice.parse(req.body);
    const { turnedOn, missingScopes } = await deps.asCaller(res, ADMIN_WRITE, async (tx) => ({
      turnedOn: await saveWritebackChoice(tx, input),
      missingScopes: await missingWritebackScopes(tx),
    }));
    if (turnedOn && !missingScopes.length)
      await requestWriteback(deps.boss, (res.locals.caller as { accountId: string }).accountId);
    res.json({ ...input, missingScopes } satisfies WritebackSettings);
  });

  return router;
}
