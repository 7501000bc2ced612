import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import { listen, type Listening } from './http.ts';
import { hubspotCrm, type CrmContact, type CrmDeal } from './hubspotCrm.ts';
import { hubspotWrites } from './hubspotWrites.ts';
import { journalLifecycleEvent, journalRoutes, type JournalEntry, type JournalSubscription } from './hubspotJournal.ts';

export { journalLifecycleEvent };

export type HubSpotStandIn = {
  url: string;
  clientId: string;
  clientSecret: string;
  hubId: number;
  /** Counts of calls per path. */
  calls: Record<string, number>;
  /** Every request as it arrived: when (ms since the epoch), its path and its bearer token. */
  arrivals: Array<{ at: number; path: string; token: string }>;
  /** Every access token issued, newest last. */
  accessTokens: string[];
  /** Refresh tokens HubSpot would now refuse (uninstalled, revoked). */
  revokedRefreshTokens: Set<string>;
  /** Refuse every refresh token issued so far (invalid_grant), as after an uninstall. */
  revokeAll(): void;
  /** Make the token endpoint answer 503 (down) while true. */
  tokenEndpointDown: boolean;
  /** Make the token endpoint close the connection without answering while true. */
  tokenEndpointDrops: boolean;
  /** Token values the next grants issue, in order (known values for tests); random ones after. */
  nextTokens: Array<{ accessToken: string; refreshToken: string }>;
  /** Delay before each CRM answer (slow HubSpot), in milliseconds. */
  crmDelayMs: number;
  /**
   * The rolling window each CRM answer reports, per token, in HubSpot's `X-HubSpot-RateLimit-*`
   * headers (110 per 10 s, a marketplace app's; tests shrink it to reach `Remaining: 0`). Reported
   * only: the stand-in refuses nothing for it (`writes.rateLimitNext` answers 429s).
   */
  rateWindow: { max: number; intervalMs: number };
  /** Scopes the next install grants. */
  grantedScopes: string[];
  /** The portal's data centre: na1 (app.hubspot.com) or eu1 (app-eu1.hubspot.com)… */
  hublet: string;
  /** The email of the installing user. */
  installingUser: { id: number; email: string };
  /** The app's id (HUBSPOT_APP_ID), in webhook events and journal events. */
  appId: number;
  /** Portals the app uninstalled itself from (DELETE /appinstalls/2026-03/external-install). */
  externalUninstalls: number[];
  /** Make the uninstall endpoint answer 503 while true. */
  uninstallEndpointDown: boolean;
  /**
   * The webhooks journal's APP_LIFECYCLE_EVENT subscriptions (created with a client-credentials
   * token), in HubSpot's SubscriptionResponse shape: `id`, `actions`, `appId`, `createdAt`,
   * `objectTypeId`, `subscriptionType`, `updatedAt` (required), `properties`. The answer has no
   * `eventTypeId`: the created event type comes back as `objectTypeId`, its action in `actions`.
   */
  journalSubscriptions: JournalSubscription[];
  /**
   * Journal entries, oldest first; each is one file of events behind a pre-signed URL, served as
   * HubSpot's envelope. `raw` serves that text instead (a file of another shape, or a huge one).
   */
  journal: JournalEntry[];
  /** Client-credentials tokens issued so far. */
  clientCredentialsIssued: number;
  /** HubSpot writes an app install or uninstall into the journal. */
  journalLifecycle(action: 'APP_INSTALL' | 'APP_UNINSTALL', portalId: number, occurredAt?: Date): void;
  /** The journal forgets its entries older than three days: offsets before `keep` answer 404. */
  journalForgetUntil(keep: number): void;
  /** A contact or deal is deleted in HubSpot (its single-object reads answer 404). */
  removeCrmObject(type: 'contacts' | 'deals' | 'companies', id: string): void;
  /** The CRM records behind the dated CRM endpoints: deals, associations and merges change here. */
  crm: ReturnType<typeof hubspotCrm>;
  /** The property groups, properties and record values the app wrote (write-back). */
  writes: ReturnType<typeof hubspotWrites>;
  /** Makes an access token known with these scopes, as if issued by an install (benches seed tokens). */
  grantToken(accessToken: string, scopes: string[]): void;
  close(): Promise<void>;
};

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function formOf(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

/** The backend environment that points the app at this stand-in. */
export function hubspotEnv(hubspot: HubSpotStandIn): Record<string, string> {
  return {
    HUBSPOT_CLIENT_ID: hubspot.clientId,
    HUBSPOT_CLIENT_SECRET: hubspot.clientSecret,
    HUBSPOT_API_BASE: hubspot.url,
    HUBSPOT_AUTH_BASE: hubspot.url,
    HUBSPOT_APP_ID: String(hubspot.appId),
  };
}

/**
 * HubSpot's authorize page, its 2026-03 token and introspection endpoints (form-encoded, RFC 6749
 * errors) and the CRM batch endpoints the linker uses, on 127.0.0.1.
 */
export async function startHubSpotStandIn(
  options: {
    hubId?: number;
    contacts?: CrmContact[];
    deals?: CrmDeal[];
    users?: Array<{ id: number; email: string }>;
  } = {},
): Promise<HubSpotStandIn> {
  const clientId = `client-${randomBytes(6).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const codes = new Map<string, string>(); // code -> redirect_uri
  const refreshTokens = new Set<string>();
  const accessInfo = new Map<string, { scopes: string[] }>();
  const clientCredentialsTokens = new Set<string>();
  const forgottenOffsets = new Set<string>();
  const state: Omit<
    HubSpotStandIn,
    | 'url'
    | 'close'
    | 'revokeAll'
    | 'journalLifecycle'
    | 'journalForgetUntil'
    | 'removeCrmObject'
    | 'crm'
    | 'writes'
    | 'grantToken'
  > = {
    clientId,
    clientSecret,
    hubId: options.hubId ?? 4242,
    calls: {},
    arrivals: [],
    accessTokens: [],
    revokedRefreshTokens: new Set(),
    tokenEndpointDown: false,
    tokenEndpointDrops: false,
    nextTokens: [],
    crmDelayMs: 0,
    rateWindow: { max: 110, intervalMs: 10_000 },
    grantedScopes: ['oauth', 'crm.objects.contacts.read', 'crm.objects.deals.read'],
    hublet: 'na1',
    installingUser: { id: 777, email: 'Admin@Customer.example.com' },
    appId: 5_150_001,
    externalUninstalls: [],
    uninstallEndpointDown: false,
    journalSubscriptions: [],
    journal: [],
    clientCredentialsIssued: 0,
  };
  const crm = hubspotCrm({ contacts: options.contacts ?? [], deals: options.deals ?? [] });
  const writes = hubspotWrites((token) => accessInfo.get(token)?.scopes);

  const issue = (scopes: string[]) => {
    const known = state.nextTokens.shift();
    const access = known?.accessToken ?? `at-${randomBytes(12).toString('hex')}`;
    const refresh = known?.refreshToken ?? `rt-${randomBytes(12).toString('hex')}`;
    refreshTokens.add(refresh);
    accessInfo.set(access, { scopes });
    state.accessTokens.push(access);
    return { token_type: 'bearer', access_token: access, refresh_token: refresh, expires_in: 1800 };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    state.calls[url.pathname] = (state.calls[url.pathname] ?? 0) + 1;
    const token = (req.headers.authorization ?? '').replace('Bearer ', '');
    state.arrivals.push({ at: Date.now(), path: url.pathname, token });
    if (url.pathname.startsWith('/crm/')) rateLimitHeaders(res, token);
    if (state.crmDelayMs && url.pathname.startsWith('/crm/'))
      await new Promise((resolve) => setTimeout(resolve, state.crmDelayMs));
    if (await writes.handle(req, res)) return;
    if (await crm.handle(req, res)) return;

    if (req.method === 'GET' && url.pathname === '/oauth/authorize') {
      const redirect = url.searchParams.get('redirect_uri') ?? '';
      const back = new URL(redirect);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      const denied = new URL(back);
      denied.searchParams.set('error', 'access_denied');
      const code = `code-${randomBytes(8).toString('hex')}`;
      codes.set(code, redirect);
      back.searchParams.set('code', code);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Connect app</title></head><body>
<h1>Connect Fathom for HubSpot to portal ${state.hubId}</h1>
<p>Requested scopes: ${url.searchParams.get('scope') ?? ''}</p>
<a id="allow" href="${back.toString()}">Connect app</a> <a id="deny" href="${denied.toString()}">Cancel</a>
</body></html>`);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/2026-03/token') {
      if (state.tokenEndpointDown) return json(res, 503, { status: 'error', message: 'Service unavailable' });
      if (state.tokenEndpointDrops) return void req.socket.destroy();
      const form = await formOf(req);
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        return json(res, 400, { error: 'invalid_client', error_description: 'unknown client' });
      }
      if (form.get('grant_type') === 'authorization_code') {
        const code = form.get('code') ?? '';
        const redirect = codes.get(code);
        codes.delete(code);
        if (!redirect || redirect !== form.get('redirect_uri'))
          return json(res, 400, { error: 'invalid_grant', error_description: 'code expired or unknown' });
        return json(res, 200, issue(state.grantedScopes));
      }
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = form.get('refresh_token') ?? '';
        if (!refreshTokens.has(refresh) || state.revokedRefreshTokens.has(refresh)) {
          return json(res, 400, { error: 'invalid_grant', error_description: 'missing or invalid refresh token' });
        }
        return json(res, 200, issue(state.grantedScopes));
      }
      // Client credentials (for the webhooks journal API only): an app token, no portal.
      if (form.get('grant_type') === 'client_credentials') {
        if (!(form.get('scope') ?? '').split(' ').includes('developer.webhooks_journal.read'))
          return json(res, 400, { error: 'invalid_scope' });
        const token = `cc-${randomBytes(12).toString('hex')}`;
        clientCredentialsTokens.add(token);
        state.clientCredentialsIssued += 1;
        return json(res, 200, { token_type: 'bearer', access_token: token, expires_in: 1800 });
      }
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    const journalCtx = { state, clientCredentialsTokens, forgottenOffsets, baseUrl: server.url };
    if ((await journalRoutes(req, res, url, journalCtx)) !== false) return;
    // The app uninstalls itself from the portal whose token calls it.
    if (req.method === 'DELETE' && url.pathname === '/appinstalls/2026-03/external-install') {
      if (state.uninstallEndpointDown) return json(res, 503, { status: 'error', message: 'Service unavailable' });
      if (!accessInfo.has((req.headers.authorization ?? '').replace('Bearer ', ''))) {
        return json(res, 401, {
          status: 'error',
          correlationId: randomUUID(),
          message: 'Authentication credentials not found.',
          category: 'INVALID_AUTHENTICATION',
        });
      }
      state.externalUninstalls.push(state.hubId);
      refreshTokens.forEach((token) => state.revokedRefreshTokens.add(token));
      accessInfo.clear();
      journalLifecycle('APP_UNINSTALL', state.hubId);
      return void res.writeHead(204).end();
    }
    if (req.method === 'GET' && url.pathname.replace(/\/$/, '') === '/settings/v3/users') {
      if (!state.accessTokens.includes((req.headers.authorization ?? '').replace('Bearer ', ''))) {
        return json(res, 401, {
          status: 'error',
          message: 'Authentication credentials not found.',
          category: 'INVALID_AUTHENTICATION',
        });
      }
      // HubSpot's settings users API: forward paging with an opaque `after`; two per page here.
      const users = options.users ?? [];
      const start = Number(url.searchParams.get('after') ?? 0);
      const page = users.slice(start, start + 2);
      return json(res, 200, {
        results: page.map((u) => ({
          id: String(u.id),
          email: u.email,
          roleIds: [],
          primaryTeamId: null,
          superAdmin: false,
        })),
        ...(start + 2 < users.length ? { paging: { next: { after: String(start + 2), link: '' } } } : {}),
      });
    }
    if (req.method === 'POST' && url.pathname === '/oauth/2026-03/token/introspect') {
      const form = await formOf(req);
      const info = accessInfo.get(form.get('token') ?? '');
      if (!info) return json(res, 200, { active: false });
      return json(res, 200, {
        active: true,
        token_type: 'access_token',
        client_id: clientId,
        hub_id: state.hubId,
        hub_domain: `portal-${state.hubId}.example.com`,
        // HubSpot's token information (GET /oauth/v1/access-tokens/{token}) carries the portal's
        // data centre as signed_access_token.hublet.
        signed_access_token: { hubId: state.hubId, hublet: state.hublet, appId: state.appId },
        user_id: state.installingUser.id,
        user: state.installingUser.email,
        scopes: info.scopes,
        expires_in: 1800,
      });
    }
    json(res, 404, { status: 'error', message: `no stand-in for ${req.method} ${url.pathname}` });
  };
  /**
   * HubSpot's API usage guidelines: answers carry `X-HubSpot-RateLimit-Max` (requests allowed in
   * the window), `X-HubSpot-RateLimit-Remaining` (still allowed) and
   * `X-HubSpot-RateLimit-Interval-Milliseconds` (the window); and its changelog "Rate limit headers
   * will now appear for OAuth authenticated calls": "OAuth authenticated calls will not include
   * X-HubSpot-RateLimit-Daily or X-HubSpot-RateLimit-Daily-Remaining because there is no daily
   * limit for these calls". Counted per token, over the arrivals (this one included).
   */
  function rateLimitHeaders(res: http.ServerResponse, token: string) {
    const { max, intervalMs } = state.rateWindow;
    const since = Date.now() - intervalMs;
    const used = state.arrivals.filter((a) => a.token === token && a.at > since && a.path.startsWith('/crm/')).length;
    res.setHeader('X-HubSpot-RateLimit-Max', String(max));
    res.setHeader('X-HubSpot-RateLimit-Remaining', String(Math.max(0, max - used)));
    res.setHeader('X-HubSpot-RateLimit-Interval-Milliseconds', String(intervalMs));
  }
  function journalLifecycle(action: 'APP_INSTALL' | 'APP_UNINSTALL', portalId: number, occurredAt = new Date()) {
    state.journal.push({
      offset: randomUUID(),
      events: [
        journalLifecycleEvent(action, portalId, {
          occurredAt,
          appId: String(state.appId),
          userId: state.installingUser.id,
        }),
      ],
    });
  }

  // A caller that goes away mid-request (a killed worker) aborts the body read: not the stand-in's failure.
  const server: Listening = await listen((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  return Object.assign(state, {
    url: server.url,
    close: () => server.close(),
    revokeAll: () => refreshTokens.forEach((token) => state.revokedRefreshTokens.add(token)),
    journalLifecycle,
    journalForgetUntil: (keep: number) =>
      state.journal.slice(0, keep).forEach((entry) => forgottenOffsets.add(entry.offset)),
    removeCrmObject: (type: 'contacts' | 'deals' | 'companies', id: string) => crm.remove(type, id),
    crm,
    writes,
    grantToken: (accessToken: string, scopes: string[]) => accessInfo.set(accessToken, { scopes }),
  });
}
