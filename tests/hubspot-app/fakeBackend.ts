import type { Fetcher } from '@fathom-hubspot/ui-shared';

type Reply = { status?: number; body: unknown };

/**
 * A stand-in for hubspot.fetch (the testing renderer has none): answers by "METHOD path" (path
 * without the backend origin), records every call, and can hold an answer back.
 */
export function fakeBackend(routes: Record<string, Reply | ((body: unknown) => Reply)>) {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const fetcher: Fetcher = async (url, options) => {
    const method = options?.method ?? 'GET';
    const path = url.replace(/^https:\/\/[^/]+/, '');
    calls.push({ method, path, body: options?.body });
    const route = routes[`${method} ${path}`] ?? routes[`${method} ${path.split('?')[0]}`];
    if (!route) return new Response(JSON.stringify({ error: 'not_found', message: 'No such endpoint.' }), { status: 404 });
    const reply = typeof route === 'function' ? route(options?.body) : route;
    return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200, headers: { 'content-type': 'application/json' } });
  };
  return { fetcher, calls };
}
