// The bundled test server's own ceiling on loopback, so client figures can be read against it:
// single POST /api/v1/reading-sessions and 100-session POST .../batch requests per second, over
// real HTTP on 127.0.0.1 with keep-alive (undici's fetch) and 8 requests in flight. The server
// runs in a worker thread so the load generator does not share its event loop.
import type { Figures } from './figure.js';
import { startServerWorker } from './server-worker.js';

const IN_FLIGHT = 8;
const SINGLE_REQUESTS = 3000;
const BATCH_REQUESTS = 300;
const BATCH_SIZE = 100;
/** Each phase also stops after this long, so the whole measurement stays within a few seconds. */
const PHASE_LIMIT_MS = 2000;

const ISO_BASE = Date.UTC(2026, 0, 1) / 1000;

function session(n: number): Record<string, unknown> {
  const startSeconds = ISO_BASE + n * 120;
  return {
    startTime: new Date(startSeconds * 1000).toISOString().replace('.000', ''),
    endTime: new Date((startSeconds + 60) * 1000).toISOString().replace('.000', ''),
    durationSeconds: 60,
    durationFormatted: '1m',
    startProgress: 10,
    endProgress: 11.5,
    progressDelta: 1.5,
    startLocation: '10',
    endLocation: '12',
  };
}

/** Runs `total` requests, `IN_FLIGHT` at a time, stopping early after PHASE_LIMIT_MS; requests per second. */
async function drive(total: number, send: (i: number) => Promise<void>): Promise<{ perSecond: number; done: number }> {
  let next = 0;
  let done = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < total && performance.now() - started < PHASE_LIMIT_MS) {
      await send(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: done / seconds, done };
}

export async function measureServerThroughput(): Promise<Figures> {
  const server = await startServerWorker();
  try {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'reader', password: 'reader' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
    let counter = 0;

    const postSingle = async () => {
      const n = counter++;
      const response = await fetch(`${server.url}/api/v1/reading-sessions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ bookId: 1 + (n % 4), bookType: 'EPUB', ...session(n) }),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`single POST answered ${response.status}`);
    };
    const postBatch = async () => {
      const first = counter;
      counter += BATCH_SIZE;
      const response = await fetch(`${server.url}/api/v1/reading-sessions/batch`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ bookId: 1 + ((first / BATCH_SIZE) % 4), bookType: 'EPUB', sessions: Array.from({ length: BATCH_SIZE }, (_, i) => session(first + i)) }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`batch POST answered ${response.status}`);
    };

    await drive(100, postSingle); // warm-up: connections, JIT, SQLite page cache
    const single = await drive(SINGLE_REQUESTS, postSingle);
    const batch = await drive(BATCH_REQUESTS, postBatch);
    return {
      server_single_posts_per_s: {
        value: Math.round(single.perSecond),
        unit: 'requests/s',
        note: `requests/s (= sessions/s here) of the bundled test server (fork profile, in-memory SQLite, own worker thread): POST /api/v1/reading-sessions, one session each, JWT, keep-alive, ${IN_FLIGHT} in flight, ${single.done} requests on 127.0.0.1; the load generator (undici fetch, main thread) shares the machine`,
      },
      server_batch100_posts_per_s: {
        value: Math.round(batch.perSecond),
        unit: 'requests/s',
        note: `requests/s, each POST /api/v1/reading-sessions/batch carrying ${BATCH_SIZE} sessions (= ${Math.round(batch.perSecond * BATCH_SIZE)} sessions/s); same server and client, ${IN_FLIGHT} in flight, ${batch.done} requests`,
      },
    };
  } finally {
    await server.stop();
  }
}
