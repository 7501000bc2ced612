import { Signature } from '@hubspot/api-client';

// What HubSpot does before signing (its "validating requests" page): these escapes are decoded.
const HUBSPOT_DECODES = [':', '/', '?', '@', '!', '$', "'", '(', ')', '*', ',', ';'];
export function asHubSpotSigns(url: string): string {
  let signed = url;
  for (const char of HUBSPOT_DECODES) {
    const escape = `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    signed = signed.split(escape).join(char).split(escape.toLowerCase()).join(char);
  }
  return signed;
}

// Each call is a request of its own: two signed in the same millisecond would carry the same
// signature, and the backend refuses a signed write it has seen (a replay).
let lastTimestamp = 0;
const nextTimestamp = () => (lastTimestamp = Math.max(Date.now(), lastTimestamp + 1));

/**
 * Calls the backend the way hubspot.fetch does: the caller's portalId, userId and userEmail in
 * the query string, and HubSpot's v3 signature computed by HubSpot's own client library. HubSpot
 * signs the URL the card asked for, which is the backend's PUBLIC_BASE_URL: `publicBaseUrl` says
 * what it is when the request goes to another address (by default, `baseUrl` itself).
 */
export async function signedFetch(
  baseUrl: string,
  path: string,
  options: {
    clientSecret: string;
    identity?: { portalId: number; userId: number; userEmail: string };
    method?: string;
    body?: unknown;
    timestamp?: number;
    publicBaseUrl?: string;
    tamper?: (request: { url: string; body: string; headers: Record<string, string> }) => void;
  },
): Promise<Response> {
  const url = new URL(path, baseUrl);
  if (options.identity) {
    url.searchParams.set('portalId', String(options.identity.portalId));
    url.searchParams.set('userId', String(options.identity.userId));
    url.searchParams.set('userEmail', options.identity.userEmail);
  }
  const method = options.method ?? 'GET';
  const body = options.body === undefined ? '' : JSON.stringify(options.body);
  const timestamp = options.timestamp ?? nextTimestamp();
  const signedUrl = options.publicBaseUrl ? new URL(`${url.pathname}${url.search}`, options.publicBaseUrl) : url;
  const headers: Record<string, string> = {
    'x-hubspot-request-timestamp': String(timestamp),
    'x-hubspot-signature-v3': Signature.getSignature(method, 'v3', {
      signature: '',
      clientSecret: options.clientSecret,
      requestBody: body,
      url: asHubSpotSigns(signedUrl.toString()),
      timestamp,
    }),
    ...(body ? { 'content-type': 'application/json' } : {}),
  };
  const request = { url: url.toString(), body, headers };
  options.tamper?.(request);
  return fetch(request.url, { method, headers: request.headers, ...(request.body ? { body: request.body } : {}) });
}
