import os from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import { VERSION } from './buildInfo.ts';
import { currentRequestId } from './requestContext.ts';

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

/** Every line names what wrote it: several services and versions share one log store. */
export const SERVICE = 'fathom-hubspot';

/**
 * JSON lines (pino): `level` as its label, `time` in ISO 8601, `service` and `version` on each,
 * and `requestId` on every line written while serving a request (requestContext.ts), however
 * deep the code that logs. `pretty` writes the same lines for a person at a terminal.
 */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  options: { pretty?: boolean } = {},
): Logger {
  const settings = {
    level,
    base: { service: SERVICE, version: VERSION, pid: process.pid, hostname: os.hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
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
  if (options.pretty) {
    // In this process, synchronously: a fatal line is on the terminal before the process exits.
    return pino(
      settings,
      PinoPretty({ sync: true, destination: destination ?? 1, ignore: 'pid,hostname,service,version' }),
    );
  }
  // Synchronous writes to stdout: the fatal line of an error nothing caught (runProcess.ts) is
  // written before process.exit, also when stdout is a slow pipe (an asynchronous stream lost it).
  return pino(settings, destination ?? pino.destination({ dest: 1, sync: true }));
}
