import { Router } from 'express';
import { z } from 'zod';
import type { CoachingList, TeamOverview } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import { listMessagesToRep } from '../coaching/messages.ts';
import { coachingQueue } from '../home/coachingQueue.ts';
import { teamOverview } from '../home/teamOverview.ts';
import { boundedDate, cursorParam } from './inputs.ts';
import type { CallerRunner } from './signedRequest.ts';

const DAY_MS = 86_400_000;
const MAX_PERIOD_DAYS = 366;

const cursor = cursorParam(400).optional();
// eslint-disable-next-line no-control-regex -- control characters are what it refuses (a NUL fails in PostgreSQL)
const CONTROL = /[\u0000-\u001f\u007f]/;

// `to` is exclusive; a bare date means midnight UTC of that day. Default: the last 30 days.
const team = z
  .object({
    from: boundedDate.optional(),
    to: boundedDate.optional(),
    cursor,
    limit: z.coerce.number().int().min(1).max(100).default(50),
    // Find reps by a part of their name or email (the pages' rep filters ask the server).
    q: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((q) => !CONTROL.test(q), 'q: no control characters')
      .optional(),
  })
  .transform(({ from, to, ...page }) => {
    const end = to ?? new Date();
    return { ...page, from: from ?? new Date(end.getTime() - 30 * DAY_MS), to: end };
  })
  .refine(({ from, to }) => from < to, { message: 'from must be before to' })
  .refine(({ from, to }) => to.getTime() - from.getTime() <= MAX_PERIOD_DAYS * DAY_MS, {
    message: `the period may span at most ${MAX_PERIOD_DAYS} days`,
  });

// The queue's period is optional: without one, every call not coached yet.
const queueQuery = z
  .object({
    repHubspotUserId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    cursor,
    limit: z.coerce.number().int().min(1).max(50).default(20),
    from: boundedDate.optional(),
    to: boundedDate.optional(),
  })
  .refine(({ from, to }) => !from || !to || from < to, { message: 'from must be before to' });

const READ = { readOnly: true } as const;

/** The app home page's API: the team at a glance and the calls waiting for coaching. */
export function homeRoutes(asCaller: CallerRunner): Router {
  const router = Router();

  router.get('/team', async (req, res) => {
    const query = team.parse(req.query);
    res.json(
      await asCaller(res, READ, async (tx, caller): Promise<TeamOverview> => ({
        ...(await teamOverview(tx, caller, query)),
        period: { from: query.from.toISOString(), to: query.to.toISOString() },
        viewer: { role: caller.role, userId: caller.userId },
      })),
    );
  });

  router.get('/queue', async (req, res) => {
    const query = queueQuery.parse(req.query);
    res.json(await asCaller(res, READ, (tx, caller) => coachingQueue(tx, caller, query)));
  });

  // A rep's own home page: the coaching he received (his manager's and admins' pages use /team and /queue).
  router.get('/coaching', async (_req, res) => {
    const items = await asCaller(res, READ, (tx, caller) => listMessagesToRep(tx, caller.userId));
    res.json({ items, nextCursor: null } satisfies Omit<CoachingList, 'viewer'>);
  });

  return router;
}
