import { z } from 'zod';
import type { HubSpotOAuth, HubSpotTokenInfo, HubSpotTokenSet } from '../connections/hubspotOAuthPort.ts';
import { UpstreamFailed } from '../errors.ts';

/** HubSpot refused a grant (RFC 6749 invalid_grant): a used or expired code, a revoked refresh token. */
export class InvalidGrant extends Error {
  override name = 'InvalidGrant';
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
});

// The 2026-03 introspection answer; older fields (hub_id, user, user_id) may come as numbers or strings.
const introspection = z.looseObject({
  active: z.boolean().optional(),
  hub_id: z.coerce.number().int().positive(),
  user_id: z.coerce.number().int().positive(),
  user: z.string().min(3),
  scopes: z.array(z.string()).optional(),
  scope: z.string().optional(),
  hub_domain: z.string().nullable().optional(),
});

const oauthError = z.looseObject({ error: z.string(), error_description: z.string().optional() });

// HubSpot retires /oauth/v1 on 2027-02-16; @hubspot/api-client only wraps v1, so these two calls
// are made here directly.
const TOKEN_PATH = '/oauth/2026-03/token';
const INTROSPECT_PATH = '/oauth/2026-03/token/introspect';
const TIMEOUT_MS = 10_000;

export type HubSpotOAuthConfig = {
  clientId: string;
  clientSecret: string;
  apiBase: string;
  authBase: string;
  redirectUri: string;
  scopes: readonly string[];
  optionalScopes: readonly string[];
  fetch?: typeof fetch;
};

export function hubspotOAuth(config: HubSpotOAuthConfig): HubSpotOAuth {
  const doFetch = config.fetch ?? fetch;

  async function post(path: string, form: Record<string, string>, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${config.apiBase}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ ...form, client_id: config.clientId, client_secret: config.clientSecret }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new UpstreamFailed(`HubSpot could not be reached to ${what}. Try again in a minute.`);
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) return body;
    const error = oauthError.safeParse(body);
    // Only HubSpot's error code goes into messages: descriptions could echo what we sent.
    if (error.success && error.data.error === 'invalid_grant') throw new InvalidGrant(`HubSpot refused to ${what}: invalid_grant`);
    // An outage or a rate limit passes; say so, so the person retries rather than reinstalls.
    const passing = response.status >= 500 || response.status === 429;
    throw new UpstreamFailed(
      `HubSpot refused to ${what} (HTTP ${response.status}${error.success ? `, ${error.data.error}` : ''}).${passing ? ' Try again in a minute.' : ''}`,
    );
  }

  const tokens = (body: unknown, what: string): HubSpotTokenSet => {
    const parsed = tokenResponse.safeParse(body);
    if (!parsed.success) throw new UpstreamFailed(`HubSpot's answer to ${what} had an unexpected shape.`);
    return { accessToken: parsed.data.access_token, refreshToken: parsed.data.refresh_token, expiresInSeconds: parsed.data.expires_in };
  };

  return {
    authorizeUrl(state) {
      const url = new URL(`${config.authBase}/oauth/authorize`);
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', config.redirectUri);
      url.searchParams.set('scope', config.scopes.join(' '));
      if (config.optionalScopes.length) url.searchParams.set('optional_scope', config.optionalScopes.join(' '));
      url.searchParams.set('state', state);
      return url.toString();
    },
    async exchangeCode(code) {
      const what = 'exchange the authorization code';
      return tokens(await post(TOKEN_PATH, { grant_type: 'authorization_code', code, redirect_uri: config.redirectUri }, what), what);
    },
    async refresh(refreshToken) {
      const what = 'refresh the access token';
      return tokens(await post(TOKEN_PATH, { grant_type: 'refresh_token', refresh_token: refreshToken }, what), what);
    },
    async introspect(accessToken): Promise<HubSpotTokenInfo> {
      const body = await post(INTROSPECT_PATH, { token: accessToken, token_type_hint: 'access_token' }, 'read the token information');
      const parsed = introspection.safeParse(body);
      if (!parsed.success || parsed.data.active === false) throw new UpstreamFailed("HubSpot's token information had an unexpected shape.");
      const info = parsed.data;
      return {
        hubId: info.hub_id,
        userId: info.user_id,
        userEmail: info.user,
        scopes: info.scopes ?? (info.scope ? info.scope.split(/\s+/).filter(Boolean) : []),
        hubDomain: info.hub_domain ?? null,
      };
    },
    isInvalidGrant: (error) => error instanceof InvalidGrant,
  };
}
