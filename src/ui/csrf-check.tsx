// POSTs must carry this server's CSRF token (a form field or the X-CSRF-Token header) and, when
// the browser says where they come from, come from this page. The token is new on each start, so a
// form loaded before a restart is refused as stale, with nothing changed.
import type { MiddlewareHandler } from 'hono';
import { sameSecret } from './token-check.js';
import type { UiEnv } from './ui-env.js';

export function csrfCheck(csrf: string): MiddlewareHandler<UiEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const origin = c.req.header('origin');
    const site = c.req.header('sec-fetch-site');
    const crossSite = (origin !== undefined && origin !== 'null' && origin !== `http://${c.req.header('host')}`) || (site !== undefined && site !== 'same-origin' && site !== 'none');
    let given = c.req.header('x-csrf-token');
    if (given === undefined && !crossSite) {
      const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      given = typeof body._csrf === 'string' ? body._csrf : undefined;
    }
    if (crossSite || given === undefined || !sameSecret(given, csrf)) {
      c.status(403);
      return c.render(
        <div class="banner error" role="alert" id="stale">
          {crossSite
            ? 'This request came from another site and was refused. Nothing was changed.'
            : 'This form is out of date (the status page was restarted since this page was loaded, or the form came from elsewhere). Nothing was changed. Reload the page and try again.'}
        </div>,
        { title: 'Not done: stale form', nav: 'none' },
      );
    }
    await next();
  };
}
