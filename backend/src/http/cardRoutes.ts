import { Router } from 'express';
import { connectedAppsUrl } from '../hubspot/appDomain.ts';
import { z } from 'zod';
import type {
  CoachingList,
  CoachingMessage,
  ConversationDetail,
  ConversationPage,
  Suggestions,
  Trend,
} from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import { COACHING_CATEGORIES } from '../../../hubspot-app/app/packages/ui-shared/coachingCategories.ts';
import {
  coachingCardMessagesOf,
  coachingCardRead,
  createMessage,
  recordOutcome,
  transitionMessage,
  type MessageRow,
} from '../coaching/messages.ts';
import { coachableCalls } from '../coaching/coachableCalls.ts';
import { suggestCoaching } from '../coaching/suggestions.ts';
import { repTrend } from '../coaching/trend.ts';
import {
  conversationDetailOf,
  conversationDetailRead,
  type ConversationRow,
} from '../conversations/getConversation.ts';
import { fathomCardState } from '../fathom/connection/cardState.ts';
import { cardPageOf, conversationsCardRead, type CardPageRow } from '../conversations/listForRecord.ts';
import { recordSummary } from '../conversations/recordSummary.ts';
import type { Caller } from '../users/caller.ts';
import { boundedDate, cursorParam } from './inputs.ts';
import type { CallerReader, CallerRunner } from './signedRequest.ts';
import { CRM_OBJECT_TYPES } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

const record = z.object({
  objectType: z.enum(['contacts', 'deals']),
  objectId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
// The conversations card sits on companies too (a company's calls are its contacts' calls).
const anyRecord = record.extend({ objectType: z.enum(CRM_OBJECT_TYPES) });
const summaryQuery = anyRecord;
const listQuery = anyRecord.extend({
  limit: z.coerce.number().int().min(1).max(50).default(10),
  cursor: cursorParam(200).optional(),
});
const idParam = z.object({ id: z.uuid() });
const newMessage = z.strictObject({
  conversationId: z.uuid(),
  category: z.enum(COACHING_CATEGORIES),
  body: z.string().trim().min(1).max(5000),
  momentSeconds: z.number().int().min(0).max(86_400).optional(),
  clientKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'letters, digits, _ and -, 8 to 64 of them')
    .optional(),
});
const actionParam = idParam.extend({ action: z.enum(['send', 'acknowledge', 'dismiss', 'retract']) });
const outcome = z.strictObject({
  result: z.enum(['applied', 'not_yet', 'not_applicable']),
  notes: z.string().trim().max(5000).optional(),
});
const trendQuery = z
  .object({
    repUserId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
    // The Team page's period: the chart follows it as the numbers do.
    from: boundedDate.optional(),
    to: boundedDate.optional(),
  })
  .refine(({ from, to }) => !from || !to || from < to, { message: 'from must be before to' });

const viewerOf = (caller: Caller) => ({ role: caller.role, userId: caller.userId, email: caller.email });
const READ = { readOnly: true } as const;
const WRITE = { readOnly: false } as const;

/**
 * The card API. Mounted behind the signature check; each handler resolves its caller and does its
 * work in one transaction (asCaller), read-only for every GET; the three cards every record view
 * opens (the conversations list, a call's detail, the coaching), the hot path, in one statement
 * each (readAsCaller).
 */
export function cardRoutes(asCaller: CallerRunner, readAsCaller: CallerReader): Router {
  const router = Router();

  router.get('/conversations', async (req, res) => {
    const query = listQuery.parse(req.query);
    const { caller, fathomStatus, rows } = await readAsCaller<CardPageRow>(res, conversationsCardRead(query));
    const page = cardPageOf(rows, query.limit);
    const fathom = fathomCardState(fathomStatus);
    // Only an admin's empty card before Fathom is connected links into HubSpot: the portal's domain is read then only.
    const settingsUrl =
      caller.role === 'admin' && fathom === 'not_connected' && page.items.length === 0
        ? await asCaller(res, READ, (tx) => connectedAppsUrl(tx, caller.hubId))
        : undefined;
    res.json({
      ...page,
      fathom,
      viewer: viewerOf(caller),
      ...(settingsUrl ? { settingsUrl } : {}),
    } satisfies ConversationPage);
  });

  router.get('/summary', async (req, res) => {
    const query = summaryQuery.parse(req.query);
    res.json(await asCaller(res, READ, (tx) => recordSummary(tx, query)));
  });

  router.get('/conversations/:id', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const { rows } = await readAsCaller<ConversationRow>(res, conversationDetailRead(id));
    res.json(conversationDetailOf(rows) satisfies ConversationDetail);
  });

  router.get('/conversations/:id/suggestions', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const items = await asCaller(res, READ, (tx, caller) => suggestCoaching(tx, caller, id));
    res.json({
      items: items.map((item, index) => ({ id: `${id}:${index}`, ...item })),
      nextCursor: null,
    } satisfies Suggestions);
  });

  router.get('/coaching', async (req, res) => {
    const query = record.parse(req.query);
    const { caller, rows } = await readAsCaller<MessageRow>(res, coachingCardRead(query));
    // A coach's form offers only the calls he may coach: read then, for coaches only.
    const coachable = caller.role === 'rep' ? undefined : await asCaller(res, READ, (tx) => coachableCalls(tx, query));
    res.json({
      items: coachingCardMessagesOf(rows),
      nextCursor: null,
      viewer: viewerOf(caller),
      ...(coachable ? { coachable } : {}),
    } satisfies CoachingList);
  });

  router.get('/coaching/trend', async (req, res) => {
    const query = trendQuery.parse(req.query);
    res.json(
      (await asCaller(res, READ, (tx, caller) =>
        repTrend(tx, caller, { ...query, repUserId: query.repUserId ?? caller.userId }),
      )) satisfies Trend,
    );
  });

  router.post('/coaching', async (req, res) => {
    const input = newMessage.parse(req.body);
    const message = await asCaller(res, WRITE, (tx, caller) => createMessage(tx, caller, input));
    res.status(201).json(message satisfies CoachingMessage);
  });

  router.post('/coaching/:id/outcome', async (req, res) => {
    const { id } = idParam.parse(req.params);
    const input = outcome.parse(req.body);
    res.json(
      (await asCaller(res, WRITE, (tx, caller) => recordOutcome(tx, caller, id, input))) satisfies CoachingMessage,
    );
  });

  router.post('/coaching/:id/:action', async (req, res) => {
    const { id, action } = actionParam.parse(req.params);
    res.json(
      (await asCaller(res, WRITE, (tx, caller) => transitionMessage(tx, caller, id, action))) satisfies CoachingMessage,
    );
  });

  return router;
}
