import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { statusClass, type Metrics } from '../metrics.ts';
import type { RequestEnd } from './requestLog.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics in Prometheus' text format. Meant for a scraper on the private network, never the
 * internet (it tells request volumes and error rates); with METRICS_TOKEN set it also asks for
 * `Authorization: Bearer <token>`. `requireToken` (the public web port in production) refuses to
 * serve it at all while no token is configured: a forgotten METRICS_TOKEN must not publish it.
 */
export function metricsRoutes(
  registry: Registry,
  token: string | undefined,
  options: { requireToken?: boolean } = {},
): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!token && options.requireToken) {
      res.status(403).json({
        error: 'metrics_disabled',
        message: 'GET /metrics is off on this port: set METRICS_TOKEN (or scrape a worker on its METRICS_PORT).',
      });
      return;
    }
    if (token) {
      const presented = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
      // Compare digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte.
      if (!timingSafeEqual(digest(presented), digest(token))) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer')
          .json({ error: 'unauthorized', message: 'GET /metrics needs the METRICS_TOKEN bearer token.' });
        return;
      }
    }
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}

/** Records a served request in the latency histogram (for requestLog's onEnd). */
export const observeRequest = (metrics: Metrics) => (end: RequestEnd) => {
  metrics.httpRequestDuration.observe(
    { method: end.method, route: end.route, status_class: end.status === null ? 'aborted' : statusClass(end.status) },
    end.seconds,
  );
};
