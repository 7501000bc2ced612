import type { TokenSet } from '../oauth/tokenEndpoint.ts';

/** HubSpot's OAuth token set, as the token endpoint answers it. */
export type HubSpotTokenSet = TokenSet;

/** What introspecting an access token tells about the install. */
export type HubSpotTokenInfo = {
  hubId: number;
  userId: number;
  userEmail: string;
  scopes: string[];
  hubDomain: string | null;
  /** The portal's HubSpot data centre (na1, eu1, …), when the token information names it. */
  hublet: string | null;
};

/** The HubSpot OAuth calls the install flow and the token store need (hubspot/oauth.ts provides them). */
export interface HubSpotOAuth {
  authorizeUrl(state: string): string;
  exchangeCode(code: string): Promise<HubSpotTokenSet>;
  refresh(refreshToken: string): Promise<HubSpotTokenSet>;
  introspect(accessToken: string): Promise<HubSpotTokenInfo>;
  /** True for the error a revoked or unknown refresh token causes (RFC 6749 invalid_grant). */
  isInvalidGrant(error: unknown): boolean;
}
