import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { forgetContact, uninstallPortal } from '../hubspot/lifecycle.ts';
import type { Logger } from '../logger.ts';
import { parse } from './validate.ts';

const events = z
  .array(
    z.looseObject({
      portalId: z.coerce.number().int().positive(),
      subscriptionType: z.string().max(200),
      objectId: z.coerce.number().int().positive().optional(),
    }),
  )
  .max(1000);

/**
 * HubSpot's webhook events, already checked for HubSpot's v3 signature (mounted behind it):
 * contact.privacyDeletion (GDPR) and the app's uninstall, where the platform delivers it.
 * Events for portals we do not know are accepted and ignored.
 */
export function hubspotWebhookRoutes(deps: { db: Database; logger: Logger; graceMs: number; beforeUninstall?: (accountId: string) => Promise<void> }): Router {
  const router = Router();
  router.post('/webhooks/hubspot', async (req, res) => {
    const batch = parse(events, Array.isArray(req.body) ? req.body : [req.body]);
    for (const event of batch) {
      if (event.subscriptionType === 'contact.privacyDeletion' && event.objectId) {
        const removed = await forgetContact(deps.db, event.portalId, event.objectId);
        deps.logger.info({ hubId: event.portalId, removedLinks: removed }, 'contact forgotten (privacy deletion)');
      } else if (/uninstall/i.test(event.subscriptionType)) {
        const known = await uninstallPortal(deps.db, event.portalId, {
          graceMs: deps.graceMs,
          ...(deps.beforeUninstall ? { beforeDestroy: deps.beforeUninstall } : {}),
        });
        if (known) deps.logger.info({ hubId: event.portalId }, 'app uninstalled');
      }
    }
    res.json({ status: 'ok' });
  });
  return router;
}
