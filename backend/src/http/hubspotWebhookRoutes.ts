import { Router } from 'express';
import type { PgBoss } from 'pg-boss';
import type { Database } from '../db/database.ts';
import { Forbidden, InvalidInput, NotConfigured } from '../errors.ts';
import { acceptHubSpotEvents, hubspotEventBatch } from '../hubspot/webhookEvents.ts';
import type { Logger } from '../logger.ts';

/**
 * HubSpot's webhook events (the project's webhooks component), already checked for HubSpot's v3
 * signature (mounted behind it). A hubspot.fetch request from a card carries the same signature
 * made with the same client secret, so the signature alone does not prove HubSpot's webhook
 * service sent this: a card request always has the caller in its query string (portalId,
 * userId, userEmail, appId) and the webhook's targetUrl has none, so any query string is
 * refused; the body must be HubSpot's event array for our own app id. Nothing here uninstalls:
 * uninstalls come from HubSpot's webhooks journal. Each event is stored once and handled by a job.
 */
export function hubspotWebhookRoutes(deps: {
  db: Database;
  boss: PgBoss;
  logger: Logger;
  appId: string | undefined;
}): Router {
  const router = Router();
  router.post('/webhooks/hubspot', async (req, res) => {
    if (req.originalUrl.includes('?')) {
      deps.logger.warn({ path: req.path }, 'refused a signed request with a query string on the HubSpot webhook');
      throw new Forbidden('HubSpot webhooks carry no query string; a signed card request is not a webhook.');
    }
    if (!deps.appId) throw new NotConfigured('HUBSPOT_APP_ID is not set, so HubSpot webhook events cannot be checked.');
    if (!Array.isArray(req.body)) throw new InvalidInput('The body is not an array of HubSpot webhook events.');
    const events = hubspotEventBatch.parse(req.body);
    if (events.some((event) => String(event.appId) !== deps.appId)) {
      deps.logger.warn({ path: req.path }, 'refused HubSpot webhook events for another app');
      throw new Forbidden('These events are not for this app.');
    }
    const result = await acceptHubSpotEvents(deps, events);
    res.json({ status: 'ok', ...result });
  });
  return router;
}
