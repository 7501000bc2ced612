import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Any field with one of these names is censored wherever it appears, one level deep or at the top.
const SECRET_FIELDS = [
  'accessToken',
  'refreshToken',
  'apiKey',
  'secret',
  'clientSecret',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'code',
  'authorization',
];

/**
 * An error as logged: its class and message only. No stack trace (DESIGN: none reaches a log) and
 * none of the extra fields drivers attach (a failed query's parameters can hold a payload).
 */
export function loggedError(error: unknown): { type: string; message: string } {
  if (error instanceof Error) return { type: error.name, message: error.message };
  const described = error as { name?: unknown; message?: unknown } | null;
  if (typeof described?.message === 'string')
    return { type: typeof described.name === 'string' ? described.name : 'Error', message: described.message };
  return { type: typeof error, message: String(error) };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    serializers: { err: loggedError },
    redact: {
      paths: [
        ...SECRET_FIELDS,
        ...SECRET_FIELDS.map((field) => `*.${field}`),
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'req.headers["x-hubspot-signature-v3"]',
        'req.headers["webhook-signature"]',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
