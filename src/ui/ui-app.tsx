// The status page as a Hono app: the guards every request passes (headers, Host, access token,
// CSRF), the layout, and the pages. Built per server, so tests can drive it in-process too.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { jsxRenderer } from 'hono/jsx-renderer';
import { UserFacingError } from '../app/user-facing-error.js';
import { APP_SCRIPT } from './assets/app-script.js';
import { STYLE } from './assets/style.js';
import { csrfCheck } from './csrf-check.js';
import { hostCheck } from './host-check.js';
import { registerHistory } from './routes/history.js';
import { registerOverview } from './routes/overview.js';
import { registerQueue } from './routes/queue.js';
import { registerReading } from './routes/reading.js';
import { registerSync } from './routes/sync.js';
import { registerSyncLog } from './routes/sync-log.js';
import { registerUnresolved } from './routes/unresolved.js';
import { securityHeaders } from './security-headers.js';
import { tokenCheck } from './token-check.js';
import type { UiDeps, UiEnv } from './ui-env.js';
import { Layout } from './views/layout.js';

export interface UiSecurity {
  token: string;
  tokenFile: string;
  csrf: string;
  listenHost: string;
  /** The bound port (known once listening). */
  port: () => number;
}

function Message(props: { text: string }) {
  return (
    <div class="banner error" role="alert" id="error">
      {props.text}
    </div>
  );
}

export function createUiApp(deps: UiDeps, security: UiSecurity): Hono<UiEnv> {
  const app = new Hono<UiEnv>();
  app.use(securityHeaders());
  app.use(bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('request too large', 413) }));
  app.use(hostCheck(security.listenHost, security.port));
  app.use(tokenCheck({ token: security.token, tokenFile: security.tokenFile, port: security.port }));
  app.use(async (c, next) => {
    c.set('csrf', security.csrf);
    c.set('flash', deps.flash.take(c.req.query('flash')));
    await next();
  });
  app.use(jsxRenderer(({ children, title, nav }, c) => <Layout title={title} nav={nav} c={c}>{children}</Layout>));
  app.use(csrfCheck(security.csrf));

  app.get('/assets/app.js', (c) => c.body(APP_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'private, max-age=300' }));
  app.get('/assets/style.css', (c) => c.body(STYLE, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'private, max-age=300' }));
  registerOverview(app, deps);
  registerSync(app, deps);
  registerQueue(app, deps);
  registerUnresolved(app, deps);
  registerHistory(app, deps);
  registerReading(app, deps);
  registerSyncLog(app, deps);

  app.notFound((c) => {
    c.status(404);
    return c.render(<Message text={`There is no page at ${c.req.path}. Nothing was changed; use the links above.`} />, { title: 'Not found', nav: 'none' });
  });
  app.onError((err, c) => {
    // A user-facing error (locked database, bad settings, server refused) is the answer; anything else is a bug.
    const known = err instanceof UserFacingError;
    const text = known ? `${err.message}` : `Unexpected error: ${err.message}. Nothing more was changed; this is a bug, please report it.`;
    c.status(known ? 503 : 500);
    return c.render(<Message text={text} />, { title: known ? 'Not done' : 'Error', nav: 'none' });
  });
  return app;
}
