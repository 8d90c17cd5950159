// Stock BookLore / Grimmory (upstream profile, no by-hash, no batch; issue 13): finding books by
// fingerprint through ranged reads, and uploads as parallel single POSTs. The server runs in a
// worker thread; every sync is a child process (bench/drain-child.ts), as in bench/sync.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { saveSettings, SettingsSchema } from '../src/node/settings-file.js';
import { validateSession } from '../src/core/session.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { SqliteRemoteFingerprints } from '../src/store/remote-fingerprints.js';
import type { GeneratedBook } from '../src/testserver/generated-library.js';
import type { Figures } from './figure.js';
import { drainWithNode } from './queued-home.js';
import { startServerWorker, type ServerWorker } from './server-worker.js';
import { round } from './stats.js';
import { accessibleBookIds, seedWithBooks, timedDrain } from './sync.js';

async function admin(server: ServerWorker, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${server.url}${path}`, {
    signal: AbortSignal.timeout(120_000),
    method,
    // No keep-alive: the syncs run with this thread blocked, and a reused socket may be closed by then.
    headers: body === undefined ? { connection: 'close' } : { 'content-type': 'application/json', connection: 'close' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return text === '' ? null : JSON.parse(text);
}

/** Deterministic pick of `count` distinct books (a fixed-step walk). */
function pick(books: GeneratedBook[], count: number): GeneratedBook[] {
  const chosen: GeneratedBook[] = [];
  const step = Math.floor(books.length / count);
  for (let i = 0; i < count; i++) chosen.push(books[(i * step + 7) % books.length]!);
  return chosen;
}

/**
 * A data directory with one session per book recorded as `record --book` of a downloaded copy
 * would: by fingerprint, with the file's size and name-derived title, no book id.
 */
function recordedHome(serverUrl: string, books: GeneratedBook[], hourOffset: number, home?: string): string {
  const dir = home ?? mkdtempSync(join(tmpdir(), 'bls-bench-stock-'));
  if (home === undefined) saveSettings(dir, SettingsSchema.parse({ server: serverUrl, username: 'reader', password: 'reader', timeoutSeconds: 60 }));
  const store = LocalStore.open(dir);
  try {
    const memory = new SqliteRemoteFingerprints(store.db, () => Math.floor(Date.now() / 1000));
    store.db.transaction(() => {
      for (const [i, book] of books.entries()) {
        const start = 1_750_000_000 + (hourOffset + i) * 3600;
        const v = validateSession({
          bookHash: book.hash, bookType: book.bookType, bookTitle: `Generated ${book.id}`,
          startTime: start, endTime: start + 1800, startProgress: 1, endProgress: 2, startLocation: '1', endLocation: '9',
        });
        if (!v.ok) throw new Error('bench session invalid');
        store.queue.enqueue(v.session, 'record');
        memory.noteLocalFile(book.hash, book.sizeBytes);
      }
    })();
  } finally {
    store.close();
  }
  return dir;
}

async function contentRequests(server: ServerWorker): Promise<number> {
  const log = (await admin(server, 'GET', '/__admin/requests')) as { path: string }[];
  return log.filter((r) => r.path.endsWith('/content')).length;
}

async function measureResolve(): Promise<Figures> {
  const server = await startServerWorker({ profile: 'upstream', latencyMs: 50 });
  let home: string | null = null;
  try {
    const books = (await admin(server, 'POST', '/__admin/books/generate', { count: 4996 })) as GeneratedBook[];
    const wanted = pick(books, 200);
    home = recordedHome(server.url, wanted, 0);
    await admin(server, 'DELETE', '/__admin/requests');
    const cold = drainWithNode(home);
    const coldReads = await contentRequests(server);
    if (cold.pending !== 0 || cold.uploaded !== 200) throw new Error(`cold resolve incomplete: ${JSON.stringify(cold)}`);
    // Warm: new sessions of the same books, with the learned ids forgotten, so only the memory of fingerprints can find them.
    const db = new Database(join(home, 'booklore-sync.sqlite'));
    db.prepare('DELETE FROM bls_book_hashes').run();
    db.prepare('UPDATE book_cache SET book_id = NULL').run();
    db.close();
    recordedHome(server.url, wanted, 1000, home);
    await admin(server, 'DELETE', '/__admin/requests');
    const warm = drainWithNode(home);
    const warmReads = await contentRequests(server);
    if (warm.pending !== 0 || warm.uploaded !== 200) throw new Error(`warm resolve incomplete: ${JSON.stringify(warm)}`);
    return {
      stock_resolve_200_of_5000_seconds: {
        value: round(cold.ms / 1000, 2),
        unit: 's',
        note: `upstream profile, 50 ms per request: 200 sessions of 200 distinct books recorded by fingerprint (size and file name known), library of 5,000, cold: one sync (login, capability probes, list, ranged reads, 200 single uploads): ${coldReads} content requests (${round(coldReads / 200, 2)} per hash)`,
      },
      stock_resolve_200_of_5000_content_requests_per_hash: { value: round(coldReads / 200, 2), unit: '', note: 'cold; goal ≤ 1.2' },
      stock_resolve_200_of_5000_warm_seconds: {
        value: round(warm.ms / 1000, 2),
        unit: 's',
        note: `the same books again (ids forgotten, fingerprints remembered): ${warmReads} content requests`,
      },
      stock_resolve_200_of_5000_warm_content_requests: { value: warmReads, unit: '', note: 'goal 0' },
    };
  } finally {
    await server.stop();
    if (home !== null) rmSync(home, { recursive: true, force: true });
  }
}

async function measureIndex(): Promise<Figures> {
  const server = await startServerWorker({ profile: 'upstream', latencyMs: 0 });
  let home: string | null = null;
  try {
    const books = (await admin(server, 'POST', '/__admin/books/generate', { count: 19_996 })) as GeneratedBook[];
    home = recordedHome(server.url, pick(books, 1), 0);
    const result = drainWithNode(home);
    if (result.pending !== 0) throw new Error(`index run incomplete: ${JSON.stringify(result)}`);
    return {
      library_index_20000_books_seconds: {
        value: round(result.ms / 1000, 2),
        unit: 's',
        note: `one sync finding one book by fingerprint in a library of 20,000 (${result.stockResolution?.libraryFiles ?? '?'} files listed, parsed and indexed; ${result.stockResolution?.contentRequests ?? '?'} content request), no injected latency, login and upload included; goal < 3 s`,
      },
      library_index_20000_books_peak_rss_mb: { value: round(result.maxRssMb, 1), unit: 'MB', note: 'peak resident memory of that sync process; goal < 150 MB' },
    };
  } finally {
    await server.stop();
    if (home !== null) rmSync(home, { recursive: true, force: true });
  }
}

async function measureUploads(): Promise<Figures> {
  const seed = seedWithBooks(10);
  const books = accessibleBookIds(seed).slice(0, 10);
  const oneAtATime = await timedDrain({ profile: 'upstream', latencyMs: 50, seed }, books, 100, 1, 1);
  const parallel = await timedDrain({ profile: 'upstream', latencyMs: 50, seed }, books, 100);
  return {
    stock_upload_1000_speedup_50ms: {
      value: round(oneAtATime.ms / parallel.ms, 1),
      unit: 'x',
      note: `1,000 sessions over 10 books on upstream (no batch), 50 ms per request: single POSTs 8 in flight ${round(parallel.ms / 1000, 2)} s vs one at a time ${round(oneAtATime.ms / 1000, 2)} s; goal ≥ 6×`,
    },
  };
}

export async function measureStock(): Promise<Figures> {
  return { ...(await measureResolve()), ...(await measureIndex()), ...(await measureUploads()) };
}
