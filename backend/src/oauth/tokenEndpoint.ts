import { z } from 'zod';
import { UpstreamFailed } from '../errors.ts';

/** An OAuth token set as a token endpoint answers it (RFC 6749 §5.1). */
export type TokenSet = { accessToken: string; refreshToken: string; expiresInSeconds: number };

/** The provider refused a grant (RFC 6749 invalid_grant): a used or expired code, a revoked or spent refresh token. */
export class InvalidGrant extends Error {
  override name = 'InvalidGrant';
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string().optional(),
});

const oauthError = z.looseObject({ error: z.string(), error_description: z.string().optional() });

const TIMEOUT_MS = 10_000;

export type TokenEndpointCall = {
  /** For messages: "HubSpot", "Fathom". */
  provider: string;
  url: string;
  /** Form fields, client credentials included. */
  form: Record<string, string>;
  /** For messages: "refresh the access token". */
  what: string;
  fetch?: typeof fetch;
};

/**
 * One form-encoded POST to an OAuth endpoint; the JSON answer, or InvalidGrant, or
 * UpstreamFailed. Only the provider's error code goes into messages: its description could
 * echo what we sent.
 */
export async function postTokenForm(call: TokenEndpointCall): Promise<unknown> {
  let response: Response;
  try {
    response = await (call.fetch ?? fetch)(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(call.form),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
  } catch {
    throw new UpstreamFailed(`${call.provider} could not be reached to ${call.what}. Try again in a minute.`);
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return body;
  const error = oauthError.safeParse(body);
  if (error.success && error.data.error === 'invalid_grant')
    throw new InvalidGrant(`${call.provider} refused to ${call.what}: invalid_grant`);
  // An outage or a rate limit passes; say so, so the person retries rather than reconnects.
  const passing = response.status >= 500 || response.status === 429;
  throw new UpstreamFailed(
    `${call.provider} refused to ${call.what} (HTTP ${response.status}${error.success ? `, ${error.data.error}` : ''}).${passing ? ' Try again in a minute.' : ''}`,
  );
}

/** POSTs a grant and reads the token set from the answer. */
export async function requestTokens(call: TokenEndpointCall): Promise<TokenSet> {
  const parsed = tokenResponse.safeParse(await postTokenForm(call));
  if (!parsed.success) throw new UpstreamFailed(`${call.provider}'s answer to ${call.what} had an unexpected shape.`);
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    expiresInSeconds: parsed.data.expires_in,
  };
}
