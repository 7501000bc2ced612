import { pino, type Logger } from 'pino';

export type { Logger };

// Any field with one of these names is censored wherever it appears, one level deep or at the top.
const SECRET_FIELDS = [
  'accessToken', 'refreshToken', 'apiKey', 'secret', 'clientSecret', 'password', 'token',
  'access_token', 'refresh_token', 'client_secret', 'code', 'authorization',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
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
  });
}
