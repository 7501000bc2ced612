import fs from 'node:fs';
import { Router } from 'express';

const SETUP_GUIDE = new URL('../../../docs/setup-guide.md', import.meta.url);

/**
 * GET /docs/setup-guide: the setup guide (docs/setup-guide.md), the app's documentation link in
 * HubSpot's marketplace listing (app-hsmeta.json `support.documentationUrl`). Plain text: the
 * Markdown reads as it is, and nothing in it can run in the browser.
 */
export function docsRoutes(): Router {
  const router = Router();
  const guide = fs.existsSync(SETUP_GUIDE) ? fs.readFileSync(SETUP_GUIDE, 'utf8') : null;
  router.get('/docs/setup-guide', (_req, res) => {
    if (guide === null) {
      res.status(404).json({ error: 'not_found', message: 'The setup guide is not part of this deployment.' });
      return;
    }
    res
      .set({
        'content-type': 'text/plain; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'cache-control': 'public, max-age=3600',
      })
      .send(guide);
  });
  return router;
}
