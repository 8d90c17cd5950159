// Sync Now (POST /sync) and the live progress stream (GET /events, server-sent events). With
// JavaScript the page posts in the background and follows /events; without it, the POST waits
// for the sync and the answer shows its outcome.
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { withFlash } from '../flash.js';
import { describeAttempt } from '../sync-control.js';
import type { HubEvent } from '../sync-progress.js';
import type { UiDeps, UiEnv } from '../ui-env.js';
import { progressText } from './overview.js';

const HEARTBEAT_MS = 15_000;

export function registerSync(app: Hono<UiEnv>, deps: UiDeps): void {
  app.post('/sync', async (c) => {
    const attempt = deps.sync.start();
    if (c.req.header('x-requested-with') === 'fetch') {
      return c.json({ started: true, state: deps.progress.state, text: progressText(deps.progress.state) }, 202);
    }
    const outcome = describeAttempt(await attempt);
    return c.redirect(withFlash('/', deps.flash.put({ kind: outcome.ok ? 'ok' : 'error', text: outcome.summary })), 303);
  });

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const send = (event: HubEvent) =>
        void stream
          .writeSSE(
            event.type === 'progress'
              ? { event: 'progress', data: JSON.stringify({ ...event.state, text: progressText(event.state) }) }
              : { event: 'finished', data: JSON.stringify(event.result) },
          )
          .catch(() => undefined);
      // Subscribed before the first message: a page that waits for it before starting a sync sees its end.
      const unsubscribe = deps.progress.subscribe(send);
      const state = deps.progress.state;
      await stream.writeSSE({ event: 'progress', data: JSON.stringify({ ...state, text: progressText(state) }), retry: 2000 });
      const heartbeat = setInterval(() => void stream.write(': still here\n\n').catch(() => undefined), HEARTBEAT_MS);
      let stopWaiting: () => unknown = () => undefined;
      await new Promise<void>((resolve) => {
        stream.onAbort(() => resolve());
        stopWaiting = deps.progress.onClose(resolve);
      });
      stopWaiting();
      clearInterval(heartbeat);
      unsubscribe();
    }),
  );
}
