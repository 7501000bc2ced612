import { describe, expect, test } from '@jest/globals';
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
