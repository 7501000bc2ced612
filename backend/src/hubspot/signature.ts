import { createHmac, timingSafeEqual } from 'node:crypto';

/** HubSpot refuses requests older than this, and so do we; a clock this far ahead is refused too. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60_000;

// HubSpot decodes these percent-encoded characters in the URI before signing (its "validating
// requests" page lists them); everything else is signed as sent.
const DECODED_BEFORE_SIGNING: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function uriAsSigned(uri: string): string {
  return uri.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (match) => DECODED_BEFORE_SIGNING[match.toUpperCase()]!,
  );
}

/** base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)), HubSpot's v3 signature. */
export function signatureV3(input: {
  clientSecret: string;
  method: string;
  uri: string;
  body: string;
  timestamp: string;
}): string {
  return createHmac('sha256', input.clientSecret)
    .update(`${input.method.toUpperCase()}${uriAsSigned(input.uri)}${input.body}${input.timestamp}`, 'utf8')
    .digest('base64');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks X-HubSpot-Signature-v3 over the request as HubSpot saw it: `uri` is the full URL with
 * scheme, host and query; `body` the raw body ('' when none). Constant-time comparison.
 */
export function verifySignatureV3(input: {
  clientSecret: string;
  method: string;
  uri: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  now?: number;
}): SignatureCheck {
  if (!input.signature || !input.timestamp)
    return { ok: false, reason: 'missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp' };
  if (!/^\d{10,16}$/.test(input.timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const age = (input.now ?? Date.now()) - Number(input.timestamp);
  if (age > MAX_SIGNATURE_AGE_MS) return { ok: false, reason: 'timestamp older than 5 minutes' };
  if (age < -MAX_SIGNATURE_AGE_MS) return { ok: false, reason: 'timestamp in the future' };
  const expected = Buffer.from(signatureV3({ ...input, timestamp: input.timestamp }), 'utf8');
  const given = Buffer.from(input.signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}
