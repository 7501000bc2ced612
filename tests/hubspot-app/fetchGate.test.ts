import { describe, expect, test } from '@jest/globals';
import { createApi, gateFetcher, MAX_FETCHES_IN_FLIGHT, type Fetcher } from '@fathom-hubspot/ui-shared';

/** A hubspot.fetch stand-in that holds every answer until the test releases it. */
function heldFetcher() {
  const held: Array<() => void> = [];
  let inFlight = 0;
  let most = 0;
  const fetcher: Fetcher = (url) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    return new Promise((resolve) =>
      held.push(() => {
        inFlight -= 1;
        resolve(new Response(JSON.stringify({ url }), { status: 200 }));
      }),
    );
  };
  return { fetcher, held, inFlight: () => inFlight, most: () => most };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('at most 4 hubspot.fetch calls at once per card', () => {
  test('an Api sends 4 requests at once; the others wait their turn and all answer, in order', async () => {
    expect(MAX_FETCHES_IN_FLIGHT).toBe(4);
    const backend = heldFetcher();
    const api = createApi(backend.fetcher);
    const answers = Array.from({ length: 10 }, (_, i) => api.get<{ url: string }>(`/api/x/${i}`));
    await settle();
    expect(backend.inFlight()).toBe(4);
    backend.held.shift()!();
    await settle();
    expect(backend.inFlight()).toBe(4);
    while (backend.held.length) {
      backend.held.shift()!();
      await settle();
    }
    const urls = (await Promise.all(answers)).map((a) => a.url.replace(/^https:\/\/[^/]+/, ''));
    expect(urls).toEqual(Array.from({ length: 10 }, (_, i) => `/api/x/${i}`));
    expect(backend.most()).toBe(4);
  });

  test('a failed request frees its place too', async () => {
    let calls = 0;
    const gated = gateFetcher(async () => {
      calls += 1;
      throw new Error('offline');
    }, 1);
    await expect(gated('https://x/1')).rejects.toThrow('offline');
    await expect(gated('https://x/2')).rejects.toThrow('offline');
    expect(calls).toBe(2);
  });
});
