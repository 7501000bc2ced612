/**
 * What can go wrong talking to Fathom, as typed errors the callers can tell apart:
 * the credentials were refused (ask the admin for a new key, or reconnect), Fathom kept
 * rate limiting us, Fathom refused the request itself, or Fathom (or the network) failed.
 *
 * Messages carry Fathom's own reason where it gave one, because an admin pasting a key
 * needs to read it, but never a credential: the reason is scrubbed of the key before it is
 * kept, and no URL or header is ever put in a message.
 */
import { AppError } from '../errors.ts';

export abstract class FathomError extends AppError {
  /** Fathom's HTTP status, or null when no answer came (timeout, dropped connection). */
  readonly upstreamStatus: number | null;
  /** Fathom's own explanation, scrubbed of credentials; null when it gave none. */
  readonly reason: string | null;
  constructor(code: string, status: number, message: string, upstreamStatus: number | null, reason: string | null) {
    super(code, status, message);
    this.name = new.target.name;
    this.upstreamStatus = upstreamStatus;
    this.reason = reason;
  }
}

/** 401/403: the API key or access token was refused. Never retried. */
export class FathomAuthRejected extends FathomError {
  constructor(upstreamStatus: number, reason: string | null) {
    super(
      'fathom_auth_rejected',
      400,
      `Fathom refused the credentials (HTTP ${upstreamStatus})${reason ? `: ${reason}` : '.'} Check the API key or reconnect Fathom.`,
      upstreamStatus,
      reason,
    );
  }
}

/** Another 4xx: the request itself was refused (bad parameter, unknown recording). Never retried. */
export class FathomRequestRejected extends FathomError {
  constructor(operation: string, upstreamStatus: number, reason: string | null) {
    super(
      'fathom_request_rejected',
      502,
      `Fathom refused ${operation} (HTTP ${upstreamStatus})${reason ? `: ${reason}` : '.'}`,
      upstreamStatus,
      reason,
    );
  }
}

/** 429 until the attempts ran out (or Fathom asked us to wait longer than we are willing to). */
export class FathomRateLimited extends FathomError {
  /** How long Fathom last asked us to wait, in milliseconds, when it said. */
  readonly retryAfterMs: number | null;
  constructor(operation: string, retryAfterMs: number | null) {
    super(
      'fathom_rate_limited',
      503,
      `Fathom is rate limiting ${operation}; try again ${retryAfterMs === null ? 'later' : `in ${Math.ceil(retryAfterMs / 1000)} s`}.`,
      429,
      null,
    );
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx, timeouts, dropped connections (after the bounded retries), or an answer we cannot read. */
export class FathomUpstreamFailed extends FathomError {
  constructor(operation: string, detail: string, upstreamStatus: number | null) {
    super('upstream_failed', 502, `Fathom failed ${operation}: ${detail}`, upstreamStatus, null);
  }
}

const MAX_REASON_LENGTH = 300;

/**
 * Fathom's reason from an error body (JSON `{error}`, `{message}`, `{errors: [...]}`, or text),
 * shortened, with every secret that might be echoed back replaced.
 */
export function readReason(body: string, secrets: readonly string[]): string | null {
  let reason: string | null = null;
  try {
    reason = reasonFromJson(JSON.parse(body));
  } catch {
    reason = body.trim() || null;
  }
  if (reason === null) return null;
  for (const secret of secrets) {
    if (secret.length >= 4) reason = reason.split(secret).join('[redacted]');
  }
  reason = reason.replace(/\s+/g, ' ').trim();
  if (reason.length > MAX_REASON_LENGTH) reason = `${reason.slice(0, MAX_REASON_LENGTH)}…`;
  return reason || null;
}

function reasonFromJson(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const parts = value.map(reasonFromJson).filter((part): part is string => part !== null);
    return parts.length ? parts.join('; ') : null;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const field of ['message', 'error_description', 'error', 'errors', 'detail']) {
      const found = reasonFromJson(record[field]);
      if (found) return found;
    }
  }
  return null;
}
