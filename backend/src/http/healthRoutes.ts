import { Router } from 'express';
import type { Database } from '../db/database.ts';

export function healthRoutes(db: Database): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (await db.ping()) res.json({ status: 'ready' });
    else res.status(503).json({ error: 'database_unavailable', message: 'The database does not answer.' });
  });
  return router;
}
