import { describe, expect, test } from '@jest/globals';
import { VERSION } from '../../backend/src/buildInfo.ts';
import { SERVICE } from '../../backend/src/logger.ts';
import { runInRequest } from '../../backend/src/requestContext.ts';
import { memoryLogger } from '../support/logger.ts';

describe('the logger', () => {
  test('an error is logged as its class and message: no stack trace, no query parameters a driver attached', () => {
    const log = memoryLogger();
    const error = Object.assign(new TypeError('insert failed'), {
      query: 'INSERT INTO webhook_events …',
      params: ['{"title":"payload"}'],
    });
    log.logger.error({ err: error, requestId: 'r1' }, 'unhandled error');
    log.logger.warn({ err: { message: 'Fathom refused the key' } }, 'could not delete a Fathom webhook');
    const [first, second] = log.lines();
    expect(first!.err).toEqual({ type: 'TypeError', message: 'insert failed' });
    expect(first!.requestId).toBe('r1');
    expect(second!.err).toEqual({ type: 'Error', message: 'Fathom refused the key' });
    expect(log.text()).not.toMatch(/at .*\.ts:\d+|payload|INSERT INTO/);
  });

  test('secret fields are censored at the top and one level down', () => {
    const log = memoryLogger();
    log.logger.info({ accessToken: 'at-123', connection: { refresh_token: 'rt-456', id: 'c1' } }, 'tokens');
    const [line] = log.lines();
    expect(line).toMatchObject({ accessToken: '[redacted]', connection: { refresh_token: '[redacted]', id: 'c1' } });
    expect(log.text()).not.toMatch(/at-123|rt-456/);
  });
});

describe('every log line', () => {
  test('has its level as a label, an ISO 8601 time, and the service and version that wrote it', () => {
    const log = memoryLogger();
    log.logger.warn('disk nearly full');
    const [line] = log.lines();
    expect(line).toMatchObject({ level: 'warn', service: SERVICE, version: VERSION, msg: 'disk nearly full' });
    expect(line!.time).toEqual(new Date(line!.time as string).toISOString());
  });

  test("carries the request's id when written while serving it, however deep and after however many awaits", async () => {
    const log = memoryLogger();
    log.logger.info('before');
    await runInRequest('req-42', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await Promise.resolve().then(() => log.logger.info('deep'));
      setImmediate(() => log.logger.info('later, still for that request'));
      await new Promise((resolve) => setImmediate(resolve));
    });
    log.logger.info('after');
    expect(log.lines().map((line) => [line.msg, line.requestId])).toEqual([
      ['before', undefined],
      ['deep', 'req-42'],
      ['later, still for that request', 'req-42'],
      ['after', undefined],
    ]);
  });
});
