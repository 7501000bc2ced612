import type { ErrorBody, Fetcher, SettingsAnswers } from '@fathom-hubspot/ui-shared';

/** A success with the body the API answers on that route, or an error answer `{ error, message }`. */
// HubSpot itself answers a hubspot.fetch it throttles (429) with its own error shape, not ours.
type HubSpotThrottle = { status: 429; body: { status: 'error'; message: string; category: 'RATE_LIMITS' } };
type Reply<T> = { status?: 200 | 201 | 202; body: T } | { status: number; body: ErrorBody } | HubSpotThrottle;
type Route<T> = Reply<T> | ((body: unknown, path: string) => Reply<T>);
/**
 * Routes by "METHOD path" (path without the backend origin; a path with its query matches first).
 * The settings API's answers must have the shared API types, so a fixture cannot say what the
 * backend never answers (tests/backend/http/settingsContract.test.ts holds the backend to them).
 */
export type Routes = { [K in keyof SettingsAnswers]?: Route<SettingsAnswers[K]> } & { [route: string]: Route<unknown> };

/**
 * A stand-in for hubspot.fetch (the testing renderer has none): answers by "METHOD path" (path
 * without the backend origin), records every call, and can hold an answer back.
 */
export function fakeBackend(routes: Routes) {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const fetcher: Fetcher = async (url, options) => {
    const method = options?.method ?? 'GET';
    const path = url.replace(/^https:\/\/[^/]+/, '');
    calls.push({ method, path, body: options?.body });
    const route = routes[`${method} ${path}`] ?? routes[`${method} ${path.split('?')[0]}`];
    if (!route)
      return new Response(JSON.stringify({ error: 'not_found', message: 'No such endpoint.' }), { status: 404 });
    const reply = typeof route === 'function' ? route(options?.body, path) : route;
    return new Response(JSON.stringify(reply.body), {
      status: reply.status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetcher, calls };
}
