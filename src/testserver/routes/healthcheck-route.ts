// §4: GET /api/v1/healthcheck (public).
import { jsonResponse } from '../http-exchange.js';
import { formatLocalDateTime } from '../java-time.js';
import { PROFILE_VERSION } from '../profile.js';
import type { Route } from './route.js';

export const HEALTHCHECK_ROUTE: Route = {
  method: 'GET',
  pattern: /^\/api\/v1\/healthcheck$/,
  handle(ctx) {
    const now = formatLocalDateTime(Date.now());
    // (inferred) the inner message and timestamp text; the shape is §4's.
    return jsonResponse(200, {
      status: 200,
      message: 'Pong',
      data: { status: 'UP', message: 'Application is running', version: PROFILE_VERSION[ctx.profile], timestamp: now },
      timestamp: now,
    });
  },
};
