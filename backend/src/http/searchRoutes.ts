import { Router } from 'express';
import { z } from 'zod';
import { searchCalls } from '../search/searchCalls.ts';
import { cursorParam } from './inputs.ts';
import type { CallerRunner } from './signedRequest.ts';
import { CRM_OBJECT_TYPES } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

// eslint-disable-next-line no-control-regex -- control characters are what it refuses (a NUL fails in PostgreSQL)
const CONTROL = /[\u0000-\u001f\u007f]/;

const searchQuery = z
  .object({
    q: z
      .string()
      .trim()
      .min(1, 'q: say what to search for')
      .max(200, 'q: at most 200 characters')
      .refine((q) => !CONTROL.test(q), 'q: no control characters'),
    cursor: cursorParam(200).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
    // On a record's card: only the calls linked to that record.
    objectType: z.enum(CRM_OBJECT_TYPES).optional(),
    objectId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .refine((query) => (query.objectType === undefined) === (query.objectId === undefined), {
    message: 'objectType and objectId go together',
  })
  .transform(({ objectType, objectId, ...query }) => ({
    ...query,
    record: objectType && objectId ? { objectType, objectId } : undefined,
  }));

const READ = { readOnly: true } as const;

/** Search across calls (app pages and cards): `GET /api/search?q&cursor&limit`, docs/api.md. */
export function searchRoutes(asCaller: CallerRunner): Router {
  const router = Router();
  router.get('/search', async (req, res) => {
    const query = searchQuery.parse(req.query);
    res.json(await asCaller(res, READ, (tx) => searchCalls(tx, query)));
  });
  return router;
}
