import { Router } from 'express';
import type { Database } from '../db/database.ts';

/** Set when the process begins to shut down: /readyz answers 503 from then on, while requests are still served. */
export type Readiness = { draining: boolean };

export function healthRoutes(db: Database, readiness: Readiness = { draining: false }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (readiness.draining) res.status(503).json({ error: 'shutting_down', message: 'This process is shutting down.' });
    else if (await db.ping()) res.json({ status: 'ready' });
    else res.status(503).json({ error: 'database_unavailable', message: 'The database does not answer.' });
  });
  return router;
}
