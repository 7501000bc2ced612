import type { Express, Router } from 'express';

/** A route as declared: `GET /api/cards/conversations/:id`. */
export type RouteEntry = { method: string; path: string };

/** The routes `router` declares itself, under the path it is mounted at. */
export function routesOf(mountPath: string, router: Router): RouteEntry[] {
  return router.stack.flatMap((layer) =>
    layer.route
      ? [...new Set(layer.route.stack.map((handler) => handler.method.toUpperCase()))].map((method) => ({
          method,
          path: `${mountPath}${layer.route!.path}`,
        }))
      : [],
  );
}

/**
 * Every route behind HubSpot's signature, as createApp mounted them: tests take them from here
 * (the fuzz, the card-reads test), so a route added to a router is fuzzed and checked at once.
 */
export const signedRoutesOf = (app: Express): RouteEntry[] => app.locals.signedRoutes as RouteEntry[];
