// §2.4: the kosync-compatible user endpoints under /api/koreader (both profiles).
import { jsonResponse } from '../http-exchange.js';
import type { Route } from './route.js';

export const KOREADER_ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/koreader\/users\/auth$/,
    handle(_ctx, _request, principal) {
      const username = principal?.kind === 'koreader' ? principal.koreaderUser.username : '';
      return jsonResponse(200, { username });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/koreader\/users\/create$/,
    handle: () => jsonResponse(403, { error: 'User registration via Koreader is disabled' }),
  },
];
