// Every route of a profile, and how a request that matches none is answered (§1.3 SPA fallback).
import { errorResponse, UNEXPECTED_ERROR } from '../error-responses.js';
import { htmlResponse, type ApiRequest, type ApiResponse } from '../http-exchange.js';
import { SPA_INDEX_HTML } from '../html-pages.js';
import type { Profile } from '../profile.js';
import { AUTH_ROUTES } from './auth-routes.js';
import { bookRoutes } from './book-routes.js';
import { HEALTHCHECK_ROUTE } from './healthcheck-route.js';
import { KOREADER_ROUTES } from './koreader-routes.js';
import { readingSessionRoutes } from './reading-session-routes.js';
import type { Route } from './route.js';

export type { Route, ServerContext } from './route.js';

export function routesFor(profile: Profile): Route[] {
  return [...AUTH_ROUTES, HEALTHCHECK_ROUTE, ...readingSessionRoutes(profile), ...bookRoutes(profile), ...KOREADER_ROUTES];
}

export type RouteMatch = { route: Route; params: string[] } | { route: null; pathKnown: boolean };

export function matchRoute(routes: Route[], method: string, path: string): RouteMatch {
  let pathKnown = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m === null) continue;
    if (route.method === method) return { route, params: m.slice(1) };
    pathKnown = true;
  }
  return { route: null, pathKnown };
}

/**
 * §1.3: an unmapped path goes to the static resource handler with the SPA fallback: GET answers
 * 200 text/html (the Angular index); any other method is "method not supported", which the
 * catch-all handler turns into 500 (inferred). A mapped path with another method ends the same way.
 */
export function unmatchedResponse(request: ApiRequest, pathKnown: boolean): ApiResponse {
  if (!pathKnown && (request.method === 'GET' || request.method === 'HEAD')) return htmlResponse(200, SPA_INDEX_HTML);
  return errorResponse(500, UNEXPECTED_ERROR);
}
