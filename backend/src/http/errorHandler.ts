import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { requestIdOf } from './requestLog.ts';

export type ErrorBody = { error: string; message: string };

function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Maps every error to `{ error, message }` with its status; unknown errors become an opaque 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (error instanceof AppError) {
      res.status(error.status).json({ error: error.code, message: error.message } satisfies ErrorBody);
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json({ error: 'invalid_input', message: describeZodError(error) } satisfies ErrorBody);
      return;
    }
    // body-parser's errors carry their own 4xx status (malformed JSON, body too large).
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (error as { type?: string }).type;
      const code = type === 'entity.too.large' ? 'payload_too_large' : 'invalid_input';
      const message = type === 'entity.too.large' ? 'The request body is too large.' : 'The request body is not valid JSON.';
      res.status(status).json({ error: code, message } satisfies ErrorBody);
      return;
    }
    logger.error({ err: error, requestId: requestIdOf(res) }, 'unhandled error');
    res.status(500).json({ error: 'internal', message: 'Something went wrong on our side. Please try again.' } satisfies ErrorBody);
  };
}

export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not_found', message: 'No such endpoint.' } satisfies ErrorBody);
};
