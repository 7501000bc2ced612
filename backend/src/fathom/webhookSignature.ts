/**
 * Checks that a webhook delivery really comes from Fathom, unchanged and recent.
 *
 * Fathom signs the Standard Webhooks (Svix) way: `webhook-signature` holds one or more
 * space-separated `v1,<base64>` entries, each an HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}`
 * keyed with the base64-decoded part of the `whsec_…` secret the webhook was created with.
 *
 * Written on node:crypto rather than the `standardwebhooks` package (which the test stand-in
 * signs with, so the two are checked against each other): that package reads the time from
 * `Date.now()` with no way to inject a clock, and decodes a Buffer body to a string before
 * signing; here the exact bytes received are signed and the clock is a parameter.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';

/** Deliveries signed longer ago (or further ahead) than this are refused: replays, skewed clocks. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export class WebhookSignatureInvalid extends AppError {
  constructor(message: string) {
    super('invalid_signature', 401, message);
  }
}

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export type VerifiedDelivery = {
  /** `webhook-id`: the same on every resend of one event, so it de-duplicates deliveries. */
  id: string;
  timestamp: Date;
};

export type VerifyWebhookInput = {
  /** The webhook's signing secret, `whsec_<base64>`. */
  secret: string;
  headers: WebhookHeaders;
  /** The body exactly as received, before any JSON parsing. */
  rawBody: Buffer | string;
  /** Milliseconds since the epoch; now by default. */
  now?: number;
  toleranceSeconds?: number;
};

/** A delivery's signature headers, checked for presence, shape and freshness (not yet the signature). */
export type DeliveryHeaders = VerifiedDelivery & { timestampText: string; signatures: string[] };

// A v1 entry is an HMAC-SHA256 (32 bytes) in base64: 43 characters and one '=' of padding.
const V1_SIGNATURE = /^v1,[A-Za-z0-9+/]{43}=?$/;
const MAX_ID_LENGTH = 256;

/**
 * Everything that can be checked before the body is read: the three headers are there, have the
 * right shape, and the timestamp is within the tolerance. Throws WebhookSignatureInvalid otherwise.
 */
export function checkWebhookHeaders(
  headers: WebhookHeaders,
  options: { now?: number | undefined; toleranceSeconds?: number | undefined } = {},
): DeliveryHeaders {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatureHeader = header(headers, 'webhook-signature');
  if (!id || !timestampText || !signatureHeader) {
    throw new WebhookSignatureInvalid('The webhook-id, webhook-timestamp and webhook-signature headers are required.');
  }
  if (id.length > MAX_ID_LENGTH || /\s/.test(id)) {
    throw new WebhookSignatureInvalid('The webhook-id header is not a message id.');
  }
  if (!/^\d{1,15}$/.test(timestampText))
    throw new WebhookSignatureInvalid('The webhook-timestamp header is not a Unix time.');

  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (nowSeconds - timestamp > tolerance) throw new WebhookSignatureInvalid('The webhook is too old to be accepted.');
  if (timestamp - nowSeconds > tolerance)
    throw new WebhookSignatureInvalid('The webhook is timestamped in the future.');

  // Other schemes (v1a, …) are not ours to check; at least one v1 entry must be there.
  const signatures = signatureHeader.split(' ').filter((entry) => V1_SIGNATURE.test(entry));
  if (!signatures.length) throw new WebhookSignatureInvalid('The webhook-signature header has no v1 signature.');
  return { id, timestamp: new Date(timestamp * 1000), timestampText, signatures };
}

/** Returns the delivery's id and time when the signature holds; throws WebhookSignatureInvalid otherwise. */
export function verifyFathomWebhook(input: VerifyWebhookInput): VerifiedDelivery {
  const delivery = checkWebhookHeaders(input.headers, { now: input.now, toleranceSeconds: input.toleranceSeconds });
  const expected = createHmac('sha256', signingKey(input.secret))
    .update(`${delivery.id}.${delivery.timestampText}.`)
    .update(typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody)
    .digest();

  for (const entry of delivery.signatures) {
    const given = Buffer.from(entry.slice('v1,'.length), 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return { id: delivery.id, timestamp: delivery.timestamp };
    }
  }
  throw new WebhookSignatureInvalid('The webhook signature does not match.');
}

function signingKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  // A misconfigured (empty) secret must not turn into an HMAC anyone can compute.
  if (key.length === 0) throw new Error('The webhook signing secret is empty or not base64.');
  return key;
}

function header(headers: WebhookHeaders, name: string): string | null {
  const value = headers instanceof Headers ? headers.get(name) : (headers[name] ?? findIgnoringCase(headers, name));
  const text = Array.isArray(value) ? value.join(' ') : value;
  return text && text.trim() ? text.trim() : null;
}

function findIgnoringCase(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | string[] | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
