import { ApiError as AppError } from '../../hubspot-app/app/packages/ui-shared/apiError.ts';

/**
 * The errors the domain raises, each with its code and HTTP status; http/errorHandler.ts answers
 * `{ error, message }` with that status. Messages are written for the person reading the response,
 * and never contain a secret. The base class is the UI's ApiError, so both sides read an error
 * answer the same way.
 */
export { AppError };

export class InvalidInput extends AppError {
  constructor(message: string) {
    super('invalid_input', 400, message);
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'This request is not signed by HubSpot.') {
    super('unauthorized', 401, message);
  }
}

export class Forbidden extends AppError {
  constructor(message: string) {
    super('forbidden', 403, message);
  }
}

export class NotFound extends AppError {
  constructor(message: string) {
    super('not_found', 404, message);
  }
}

export class NotInstalled extends AppError {
  constructor() {
    super(
      'not_installed',
      404,
      'The app is not installed in this HubSpot portal. An admin can install it from the HubSpot marketplace.',
    );
  }
}

export class Conflict extends AppError {
  /** What the log says of it and the answer does not (another user's identity, say). */
  readonly logDetail: Record<string, unknown> | undefined;
  constructor(message: string, logDetail?: Record<string, unknown>) {
    super('conflict', 409, message);
    this.logDetail = logDetail;
  }
}

export class NeedsReauth extends AppError {
  constructor(provider: 'hubspot' | 'fathom') {
    super(
      'needs_reauth',
      409,
      provider === 'hubspot'
        ? 'The connection to HubSpot was revoked. An admin must reinstall the app.'
        : 'The connection to Fathom was revoked. An admin must reconnect Fathom in the app settings.',
    );
  }
}

export class UpstreamFailed extends AppError {
  constructor(message: string) {
    super('upstream_failed', 502, message);
  }
}

export class NotConfigured extends AppError {
  constructor(message: string) {
    super('not_configured', 503, message);
  }
}
