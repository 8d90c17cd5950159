// Server answers no real BookLore gives: wrong types, missing fields, huge bodies, HTML, truncated
// JSON, odd statuses and content types, on every endpoint the client calls. Each ends in a
// handled outcome: nothing lost, and nothing counted as uploaded that the server did not store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from '../../src/app/run-sync.js';
import { nodeApp, timingFromEnv } from '../../src/node/node-runtime.js';
import { saveSettings, SettingsSchema } from '../../src/node/settings-file.js';
import { validateSession } from '../../src/core/session.js';
import { LocalStore } from '../../src/node/sqlite/local-store.js';
import { start, type FaultRule } from '../../src/testserver/index.js';
import { Prng } from '../prng.js';
import { recordFailure, type FuzzResult } from './fuzz-result.js';
import { hostileString, hostileValue } from './values.js';

const PATHS = [
  '/api/v1/reading-sessions',
  '/api/v1/reading-sessions/batch',
  '/api/v1/books/by-hash/*',
  '/api/koreader/books/by-hash/*',
  '/api/v1/reading-sessions/book/*',
  '/api/v1/auth/login',
  '/api/v1/auth/refresh',
  '/api/v1/healthcheck',
  '*',
];

/** Almost the right shapes, with the wrong details. Never an exact success (see below). */
function body(rng: Prng): string {
  switch (rng.int(0, 11)) {
    case 0:
      return JSON.stringify({ totalRequested: hostileValue(rng), successCount: hostileValue(rng), results: hostileValue(rng) });
    case 1:
      // counts that cannot match: the client must not count these as uploaded
      return JSON.stringify({ totalRequested: rng.int(0, 200), successCount: -1, results: [] });
    case 2:
      return JSON.stringify({ accessToken: hostileValue(rng), refreshToken: hostileValue(rng) });
    case 3:
      return JSON.stringify({ content: hostileValue(rng), page: hostileValue(rng) });
    case 4:
      return JSON.stringify({ content: [{ id: hostileValue(rng), startTime: hostileValue(rng), endTime: hostileValue(rng) }], page: { size: 100, number: 0, totalElements: 1, totalPages: hostileValue(rng) } });
    case 5:
      return JSON.stringify({ id: hostileValue(rng), metadata: hostileValue(rng), primaryFile: hostileValue(rng) });
    case 6:
      return '{"totalRequested": 100, "successCount": 1'.slice(0, rng.int(1, 40));
    case 7:
      return '<!doctype html><html><body>Sign in to the Wi-Fi</body></html>';
    case 8:
      return 'x'.repeat(rng.pick([5, 1 << 20, 5 << 20]));
    case 9:
      return JSON.stringify(hostileValue(rng)) ?? '';
    case 10:
      return JSON.stringify({ status: hostileValue(rng), message: hostileValue(rng), details: hostileValue(rng) });
    default:
      return hostileString(rng);
  }
}

function randomRule(rng: Prng): FaultRule {
  // 202 is the exact success of a single upload whatever its body, so a lying 202 would be believed
  // (as it must be); it is left out. Every other status, including other 2xx, is fair game.
  const status = rng.pick([200, 200, 201, 204, 301, 302, 400, 401, 403, 404, 405, 409, 429, 500, 502, 503, 504, rng.int(100, 599)]);
  return {
    action: 'respond',
    path: rng.pick(PATHS),
    status: status === 202 ? 200 : status,
    ...(rng.chance(0.85) ? { contentType: rng.pick(['application/json', 'application/json;charset=UTF-8', 'text/html', 'text/plain', 'application/octet-stream']) } : {}),
    body: body(rng),
    ...(rng.chance(0.5) ? { count: rng.int(1, 3) } : {}),
  };
}

export async function fuzzResponses(seed: number, cases: number): Promise<FuzzResult> {
  const rng = new Prng(seed);
  const result: FuzzResult = { name: 'server responses', cases: 0, failures: [] };
  const servers = { fork: await start({ port: 0, profile: 'fork' }), upstream: await start({ port: 0, profile: 'upstream' }) };
  try {
    for (let i = 0; i < cases; i++) {
      const server = rng.chance(0.7) ? servers.fork : servers.upstream;
      server.admin.reset();
      const rules = Array.from({ length: rng.int(1, 3) }, () => randomRule(rng));
      server.admin.addFaults({ rules });
      const home = mkdtempSync(join(tmpdir(), 'bls-fuzz-responses-'));
      const described = `seed ${seed} case ${i}: ${JSON.stringify(rules.map((r) => ({ ...r, body: r.body!.slice(0, 80) })))}`;
      try {
        saveSettings(home, SettingsSchema.parse({ server: server.url, username: 'reader', password: 'reader', timeoutSeconds: 1 }));
        const store = LocalStore.open(home);
        const total = rng.int(1, 6);
        try {
          for (let s = 0; s < total; s++) {
            const book = rng.int(1, 4);
            const v = validateSession({ ...(rng.chance(0.5) ? { bookId: book } : { bookHash: ['f0a672838b6f07f2e74b8bd01aec4434', '39b5a905011a04419a42c64243d08855', 'b648aedbc61be58ba43f7cc37f98bbe1', '5619aaa268aa5d062eff129917eef00a'][book - 1]! }), startTime: 1_772_000_000 + s * 3600, endTime: 1_772_000_000 + s * 3600 + 1200 });
            if (v.ok) store.queue.enqueue(v.session, 'record');
          }
        } finally {
          store.close();
        }
        result.cases++;
        for (let attempt = 0; attempt < 2; attempt++) {
          try {
            await runSync(nodeApp(home, timingFromEnv()), { automatic: false, waitForLeaseMs: 1000 });
          } catch (err) {
            recordFailure(result, `sync threw ${(err as Error).message}: ${described}`);
          }
        }
        const check = LocalStore.open(home);
        try {
          const pending = check.queue.pendingCount();
          const history = check.queue.history(1000);
          if (pending + history.length !== total) recordFailure(result, `${total} recorded but ${pending} pending + ${history.length} uploaded: ${described}`);
          const stored = new Set(server.admin.sessions().map((s) => `${s.startTime}|${s.endTime}`));
          for (const h of history) {
            if (!stored.has(`${h.start_time}|${h.end_time}`)) recordFailure(result, `counted as uploaded, not on the server (${h.start_time}): ${described}`);
          }
        } finally {
          check.close();
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }
  } finally {
    await servers.fork.close();
    await servers.upstream.close();
  }
  return result;
}
