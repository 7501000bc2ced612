import { Router } from 'express';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { AiSettings } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import { readAiConsent, saveAiConsent } from '../coaching/review/aiConsent.ts';
import { requestReviewSweep } from '../coaching/review/reviewJobs.ts';
import type { ReviewModel } from '../coaching/review/reviewModel.ts';
import { Conflict } from '../errors.ts';
import type { CallerRunner } from './signedRequest.ts';

const consent = z.strictObject({ enabled: z.boolean() });
const ADMINS_ONLY = 'Only admins of this portal can open the app settings.';
const ADMIN_READ = { readOnly: true, requireRole: 'admin', forbiddenMessage: ADMINS_ONLY } as const;
const ADMIN_WRITE = { readOnly: false, requireRole: 'admin', forbiddenMessage: ADMINS_ONLY } as const;

/**
 * GET|PUT /api/settings/ai: the portal's consent to the AI review (admins only), with the model the
 * operator configured and where transcripts go. Turned on, the portal's newest calls are queued.
 */
export function aiSettingsRoutes(deps: {
  asCaller: CallerRunner;
  boss: PgBoss;
  model: ReviewModel | undefined;
}): Router {
  const router = Router();
  const { model } = deps;
  const answer = (enabled: boolean): AiSettings => ({
    enabled,
    available: model !== undefined,
    model: model?.model ?? null,
    destination: model?.destination ?? null,
  });

  router.get('/ai', async (_req, res) => {
    const { enabled } = await deps.asCaller(res, ADMIN_READ, (tx) => readAiConsent(tx));
    res.json(answer(enabled) satisfies AiSettings);
  });

  router.put('/ai', async (req, res) => {
    const input = consent.parse(req.body);
    const turnedOn = await deps.asCaller(res, ADMIN_WRITE, async (tx) => {
      if (input.enabled && !model)
        throw new Conflict('No model is configured for the AI review (LLM_BASE_URL and LLM_MODEL are not set).');
      return saveAiConsent(tx, input.enabled);
    });
    if (turnedOn) await requestReviewSweep(deps.boss, (res.locals.caller as { accountId: string }).accountId);
    res.json(answer(input.enabled) satisfies AiSettings);
  });

  return router;
}
