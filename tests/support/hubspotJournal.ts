import { randomUUID } from 'node:crypto';
import type http from 'node:http';

/** A lifecycle subscription in HubSpot's SubscriptionResponse shape. */
export type JournalSubscription = {
  id: number;
  actions: Array<'APP_INSTALL' | 'APP_UNINSTALL'>;
  appId: number;
  createdAt: string;
  objectTypeId: string;
  subscriptionType: string;
  updatedAt: string;
  properties: string[];
};

/** One journal entry: one file of events behind a pre-signed URL, served as HubSpot's envelope. */
export type JournalEntry = {
  offset: string;
  events: unknown[];
  publishedAt?: Date;
  /** Served as the file instead of the envelope (a file of another shape, or a huge one). */
  raw?: string | Buffer;
  /** The file's URL answers a redirect to this location instead. */
  redirectTo?: string;
  /** The entry names this URL for its file instead of the stand-in's own. */
  url?: string;
};

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * HubSpot's webhooks journal (2026-03) behind a client-credentials token: the subscriptions,
 * earliest and next entries ({ url, expiresAt, currentOffset }, 204 at the end, 404 "if the offset
 * has expired or doesn't exist"), and each entry's file behind its pre-signed URL. Resolves to
 * false for a request that is not the journal's (the stand-in goes on), else it answered it.
 */
export async function journalRoutes(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  ctx: {
    state: { appId: number; journal: JournalEntry[]; journalSubscriptions: JournalSubscription[] };
    clientCredentialsTokens: Set<string>;
    forgottenOffsets: Set<string>;
    baseUrl: string;
  },
): Promise<false | void> {
  const { state, clientCredentialsTokens, forgottenOffsets } = ctx;
  const server = { url: ctx.baseUrl };
  if (url.pathname.startsWith('/webhooks-journal/')) {
    if (!clientCredentialsTokens.has((req.headers.authorization ?? '').replace('Bearer ', ''))) {
      return json(res, 401, {
        status: 'error',
        correlationId: randomUUID(),
        message: 'Authentication credentials not found.',
        category: 'INVALID_AUTHENTICATION',
      });
    }
    if (url.pathname === '/webhooks-journal/subscriptions/2026-03') {
      if (req.method === 'GET') return json(res, 200, { results: state.journalSubscriptions });
      if (req.method === 'POST') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        type Upsert = { subscriptionType?: string; eventTypeId?: string; properties?: unknown };
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Upsert;
        const lifecycle = ['4-1909196', '4-1916193'].includes(body.eventTypeId ?? '');
        if (body.subscriptionType !== 'APP_LIFECYCLE_EVENT' || !lifecycle || !Array.isArray(body.properties)) {
          return json(res, 400, {
            status: 'error',
            message: 'Invalid input',
            correlationId: randomUUID(),
            category: 'VALIDATION_ERROR',
          });
        }
        const at = new Date().toISOString();
        const created = {
          id: 60_000_000 + state.journalSubscriptions.length + 1,
          actions: [body.eventTypeId === '4-1909196' ? ('APP_INSTALL' as const) : ('APP_UNINSTALL' as const)],
          appId: state.appId,
          createdAt: at,
          objectTypeId: body.eventTypeId!,
          subscriptionType: body.subscriptionType,
          updatedAt: at,
          properties: [],
        };
        state.journalSubscriptions.push(created);
        return json(res, 200, created);
      }
    }
    const entryAnswer = (index: number) => {
      const entry = state.journal[index]!;
      const expiresAt = new Date(Date.now() + 300_000).toISOString();
      return {
        url: entry.url ?? `${server.url}/journal-files/${entry.offset}.json`,
        expiresAt,
        currentOffset: entry.offset,
      };
    };
    if (req.method === 'GET' && url.pathname === '/webhooks-journal/journal/2026-03/earliest') {
      const first = state.journal.findIndex((entry) => !forgottenOffsets.has(entry.offset));
      if (first < 0) return void res.writeHead(204).end();
      return json(res, 200, entryAnswer(first));
    }
    const next = /^\/webhooks-journal\/journal\/2026-03\/offset\/([^/]+)\/next$/.exec(url.pathname);
    if (req.method === 'GET' && next) {
      const index = state.journal.findIndex((entry) => entry.offset === decodeURIComponent(next[1]!));
      if (index < 0 || forgottenOffsets.has(state.journal[index]!.offset)) {
        return json(res, 404, {
          status: 'error',
          correlationId: randomUUID(),
          message: 'Offset not found or expired',
          category: 'OBJECT_NOT_FOUND',
        });
      }
      if (index + 1 >= state.journal.length) return void res.writeHead(204).end();
      return json(res, 200, entryAnswer(index + 1));
    }
  }
  // The journal entry's file, behind its pre-signed URL: no Authorization header.
  const file = /^\/journal-files\/([^/]+)\.json$/.exec(url.pathname);
  if (req.method === 'GET' && file) {
    const entry = state.journal.find((e) => e.offset === file[1]);
    if (!entry) return json(res, 404, { message: 'NoSuchKey' });
    if (entry.redirectTo) return void res.writeHead(302, { location: entry.redirectTo }).end();
    if (entry.raw !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(entry.raw);
    }
    // The file is an envelope, not a bare array (HubSpot's journal guide: "A successful response
    // will include a url property, which you can then use to retrieve the file for the associated
    // journal data"; the file holds { offset, journalEvents: [ { type: "app_lifecycle_event",
    // action: "APP_UNINSTALL", portalId, occurredAt, eventTypeId: "4-1916193", properties:
    // { hs_app_id, hs_app_install_level, hs_initiating_user_id, hs_user_id } } ], publishedAt }).
    return json(res, 200, {
      offset: entry.offset,
      journalEvents: entry.events,
      publishedAt: (entry.publishedAt ?? new Date()).toISOString(),
    });
  }
  return false;
}

/**
 * One app lifecycle event as HubSpot writes it into the journal file's `journalEvents`: `type`,
 * `action` (APP_INSTALL | APP_UNINSTALL), `portalId`, `occurredAt` (ms), `eventTypeId`, and
 * `properties` with `hs_app_id`, `hs_app_install_level`, `hs_initiating_user_id`, `hs_user_id`.
 * `appId: null` leaves `hs_app_id` out.
 */
export function journalLifecycleEvent(
  action: 'APP_INSTALL' | 'APP_UNINSTALL',
  portalId: number,
  options: { occurredAt?: Date; appId: string | null; userId?: number },
) {
  const user = String(options.userId ?? 777);
  return {
    type: 'app_lifecycle_event',
    action,
    portalId,
    occurredAt: (options.occurredAt ?? new Date()).getTime(),
    eventTypeId: action === 'APP_INSTALL' ? '4-1909196' : '4-1916193',
    properties: {
      ...(options.appId === null ? {} : { hs_app_id: options.appId }),
      hs_app_install_level: 'PORTAL',
      hs_initiating_user_id: user,
      hs_user_id: user,
    },
  };
}
