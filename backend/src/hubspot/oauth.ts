import { z } from 'zod';
import type { HubSpotOAuth, HubSpotTokenInfo } from './oauthPort.ts';
import { InvalidGrant, postTokenForm, requestTokens } from '../oauth/tokenEndpoint.ts';
import { UpstreamFailed } from '../errors.ts';

// The 2026-03 introspection answer; older fields (hub_id, user, user_id) may come as numbers or strings.
const introspection = z.looseObject({
  active: z.boolean().optional(),
  hub_id: z.coerce.number().int().positive(),
  user_id: z.coerce.number().int().positive(),
  user: z.string().min(3),
  scopes: z.array(z.string()).optional(),
  scope: z.string().optional(),
  hub_domain: z.string().nullable().optional(),
  // HubSpot's token information names the portal's data centre as signed_access_token.hublet (legacy
  // GET /oauth/v1/access-tokens/{token}); read here as it comes, or at the top level.
  hublet: z.string().optional(),
  signed_access_token: z.looseObject({ hublet: z.string().optional() }).optional(),
});
const HUBLET = /^[a-z]{2,4}[0-9]{1,2}$/;

// HubSpot retires /oauth/v1 on 2027-02-16; @hubspot/api-client only wraps v1, so these two calls
// are made here directly.
const TOKEN_PATH = '/oauth/2026-03/token';
const INTROSPECT_PATH = '/oauth/2026-03/token/introspect';

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
  const call = (path: string, form: Record<string, string>, what: string) => ({
    provider: 'HubSpot',
    url: `${config.apiBase}${path}`,
    form: { ...form, client_id: config.clientId, client_secret: config.clientSecret },
    what,
    ...(config.fetch ? { fetch: config.fetch } : {}),
  });

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
      return requestTokens(
        call(
          TOKEN_PATH,
          { grant_type: 'authorization_code', code, redirect_uri: config.redirectUri },
          'exchange the authorization code',
        ),
      );
    },
    async refresh(refreshToken) {
      return requestTokens(
        call(TOKEN_PATH, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'refresh the access token'),
      );
    },
    async introspect(accessToken): Promise<HubSpotTokenInfo> {
      const body = await postTokenForm(
        call(INTROSPECT_PATH, { token: accessToken, token_type_hint: 'access_token' }, 'read the token information'),
      );
      const parsed = introspection.safeParse(body);
      if (!parsed.success || parsed.data.active === false)
        throw new UpstreamFailed("HubSpot's token information had an unexpected shape.");
      const info = parsed.data;
      return {
        hubId: info.hub_id,
        userId: info.user_id,
        userEmail: info.user,
        scopes: info.scopes ?? (info.scope ? info.scope.split(/\s+/).filter(Boolean) : []),
        hubDomain: info.hub_domain ?? null,
        hublet: [info.hublet, info.signed_access_token?.hublet].find((h) => h && HUBLET.test(h)) ?? null,
      };
    },
    isInvalidGrant: (error) => error instanceof InvalidGrant,
  };
}
