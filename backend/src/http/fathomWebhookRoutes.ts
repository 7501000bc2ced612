import express, { Router, type RequestHandler } from 'express';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import { webhookTarget } from '../fathom/connection/webhookTarget.ts';
import type { Sealer } from '../crypto/sealer.ts';
import type { Database } from '../db/database.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { parseFathomJson } from '../fathom/json.ts';
import { meetingSchema } from '../fathom/schemas.ts';
import { acceptFathomDelivery } from '../fathom/webhookEvents.ts';
import { checkWebhookHeaders, verifyFathomWebhook } from '../fathom/webhookSignature.ts';
import type { Logger } from '../logger.ts';
import { refuseOversizedBodies } from './bodyLimit.ts';

const params = z.object({ connectionId: z.uuid() });

// Fathom sends a whole meeting with its transcript: allow a few megabytes, no more.
const MAX_WEBHOOK_BODY = 5 * 1024 * 1024;

type Checked = { target: NonNullable<Awaited<ReturnType<typeof webhookTarget>>> };

/**
 * What can be refused before a byte of the body is read (or inflated): a malformed connection id,
 * missing or malformed signature headers, a stale timestamp, an unknown connection. A refusal here
 * closes the connection instead of draining a body nobody will read.
 */
function checkBeforeBody(deps: { db: Database; sealer: Sealer }): RequestHandler {
  return async (req, res, next) => {
    try {
      const { connectionId } = params.parse(req.params);
      checkWebhookHeaders(req.headers);
      const target = await webhookTarget(deps.db, deps.sealer, connectionId);
      if (!target) throw new NotFound('No active Fathom connection for this webhook.');
      res.locals.accountId = target.accountId;
      res.locals.fathomWebhook = { target } satisfies Checked;
    } catch (error) {
      res.set('Connection', 'close');
      throw error;
    }
    next();
  };
}

/**
 * Fathom's "new meeting content ready" webhook. The headers and the connection are checked before
 * the body is read; the signature against the connection's secret before anything is stored; the
 * event id makes a resend a no-op; the meeting itself is processed by a job, so Fathom gets its
 * answer at once. A compressed body is inflated to MAX_WEBHOOK_BODY at most (the parser's limit
 * counts inflated bytes), so a small compressed bomb stops there with a 413.
 */
export function fathomWebhookRoutes(deps: { db: Database; sealer: Sealer; boss: PgBoss; logger: Logger }): Router {
  const router = Router();
  const beforeBody = [refuseOversizedBodies(MAX_WEBHOOK_BODY), checkBeforeBody(deps)];
  const body = [...beforeBody, express.raw({ type: () => true, limit: MAX_WEBHOOK_BODY })];
  router.post('/webhooks/fathom/:connectionId', ...body, async (req, res) => {
    const { target } = res.locals.fathomWebhook as Checked;
    const connectionId = target.connectionId;
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const delivery = verifyFathomWebhook({ secret: target.secret, headers: req.headers, rawBody });

    let payload: unknown;
    try {
      payload = parseFathomJson(rawBody.toString('utf8'));
    } catch {
      throw new InvalidInput('The webhook body is not JSON.');
    }
    const meeting = meetingSchema.safeParse(payload);
    if (!meeting.success) throw new InvalidInput('The webhook body is not a Fathom meeting.');

    const status = await acceptFathomDelivery(deps, {
      accountId: target.accountId,
      connectionId,
      eventId: delivery.id,
      payload,
    });
    if (status === 'accepted')
      deps.logger.info(
        { accountId: target.accountId, recordingId: meeting.data.recording_id },
        'fathom webhook accepted',
      );
    res.json({ status });
  });
  return router;
}
