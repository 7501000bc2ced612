import { describe, expect, test } from '@jest/globals';
import { fathomConnectionLimiters } from '../../../backend/src/fathom/connectionLimiters.ts';

describe("Fathom's limiters per connection", () => {
  test('every client of one connection shares its limiter; another connection has its own', () => {
    const limiters = fathomConnectionLimiters();
    expect(limiters.limiterFor('connection-a')).toBe(limiters.limiterFor('connection-a'));
    expect(limiters.limiterFor('connection-b')).not.toBe(limiters.limiterFor('connection-a'));
  });

  test('the cache stays bounded: past its size the least recently used connection is forgotten', () => {
    const limiters = fathomConnectionLimiters({ max: 2 });
    const busy = limiters.limiterFor('busy');
    for (let i = 0; i < 100; i += 1) {
      limiters.limiterFor(`connection-${i}`);
      limiters.limiterFor('busy');
    }
    expect(limiters.size).toBe(2);
    expect(limiters.limiterFor('busy')).toBe(busy);
  });
});
