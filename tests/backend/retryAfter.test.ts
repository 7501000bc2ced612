import { describe, expect, test } from '@jest/globals';
import { parseRetryAfter } from '../../backend/src/retryAfter.ts';

const now = Date.parse('2026-12-06T10:00:00Z');

describe('Retry-After', () => {
  test('seconds are read as milliseconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
  });

  test('an HTTP-date in each of its three forms is the time left until then', () => {
    expect(parseRetryAfter('Sun, 06 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sunday, 06-Dec-26 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun Dec  6 10:00:30 2026', now)).toBe(30_000);
  });

  test('a date already past asks for no wait', () => {
    expect(parseRetryAfter('Sun, 06 Dec 2026 09:59:00 GMT', now)).toBe(0);
  });

  test('absent, empty, negative or neither form: null', () => {
    for (const value of [null, undefined, '', '   ', '-5', 'soon', '5 apples', '2026-12-06T10:00:30Z', 'Sun, 06 Dec'])
      expect(parseRetryAfter(value, now)).toBeNull();
  });
});
