import { InvalidGrant, requestTokens, type TokenSet } from '../oauth/tokenEndpoint.ts';

export type FathomOAuthConfig = {
  clientId: string;
  clientSecret: string;
  /** `FATHOM_AUTH_BASE`: https://fathom.video/external/v1 (`/oauth2/authorize`, `/oauth2/token` under it). */
  authBase: string;
  /** `${PUBLIC_BASE_URL}/oauth/fathom/callback`, as registered with the Fathom app. */
  redirectUri: string;
  fetch?: typeof fetch;
};

/** The one scope Fathom's public apps ask for. */
export const FATHOM_SCOPE = 'public_api';

/**
 * Fathom's OAuth 2.0 for public apps: the authorize page and the token endpoint (form-encoded,
 * client id and secret in the body). Refresh tokens are single-use: every refresh answers a new
 * one, and the one sent is spent.
 */
export function fathomOAuth(config: FathomOAuthConfig) {
  const token = (form: Record<string, string>, what: string) =>
    requestTokens({
      provider: 'Fathom',
      url: `${config.authBase}/oauth2/token`,
      form: { ...form, client_id: config.clientId, client_secret: config.clientSecret },
      what,
      ...(config.fetch ? { fetch: config.fetch } : {}),
    });

  return {
    authorizeUrl(state: string): string {
      const url = new URL(`${config.authBase}/oauth2/authorize`);
      url.searchParams.set('client_id', config.clientId);
      url.searchParams.set('redirect_uri', config.redirectUri);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', FATHOM_SCOPE);
      url.searchParams.set('state', state);
      return url.toString();
    },
    exchangeCode(code: string): Promise<TokenSet> {
      return token(
        { grant_type: 'authorization_code', code, redirect_uri: config.redirectUri },
        'exchange the authorization code',
      );
    },
    refresh(refreshToken: string): Promise<TokenSet> {
      return token({ grant_type: 'refresh_token', refresh_token: refreshToken }, 'refresh the access token');
    },
    isInvalidGrant: (error: unknown) => error instanceof InvalidGrant,
  };
}

export type FathomOAuth = ReturnType<typeof fathomOAuth>;
