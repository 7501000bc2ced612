import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { ErrorBody } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import { AppError, Conflict } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { beforeServerError } from './replayedWrites.ts';

function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

const BODY_ERRORS: Record<string, [code: string, message: string]> = {
  'entity.too.large': ['payload_too_large', 'The request body is too large.'],
  'entity.parse.failed': ['invalid_input', 'The request body is not valid JSON.'],
  'encoding.unsupported': ['unsupported_media_type', 'The content encoding of the request body is not supported.'],
  'charset.unsupported': ['unsupported_media_type', 'The charset of the request body is not supported; send UTF-8.'],
};
// A body that could not be read at all: a corrupt gzip stream, a length that does not match.
const UNREADABLE_BODY: [string, string] = ['invalid_input', 'The request body could not be read.'];

/** Maps every error to `{ error, message }` with its status; unknown errors become an opaque 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return async (error, _req, res, _next) => {
    if (error instanceof Conflict && error.logDetail) {
      logger.warn(error.logDetail, 'answered a conflict');
    }
    if (error instanceof AppError) {
      if (error.status >= 500) await beforeServerError(res);
      res.status(error.status).json({ error: error.code, message: error.message } satisfies ErrorBody);
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json({ error: 'invalid_input', message: describeZodError(error) } satisfies ErrorBody);
      return;
    }
    // body-parser's errors carry their own 4xx status, and a type saying what was wrong with the body.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const [code, message] = BODY_ERRORS[(error as { type?: string }).type ?? ''] ?? UNREADABLE_BODY;
      res.status(status).json({ error: code, message } satisfies ErrorBody);
      return;
    }
    logger.error({ err: error }, 'unhandled error');
    await beforeServerError(res);
    res
      .status(500)
      .json({ error: 'internal', message: 'Something went wrong on our side. Please try again.' } satisfies ErrorBody);
  };
}

export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not_found', message: 'No such endpoint.' } satisfies ErrorBody);
};
