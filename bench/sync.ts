// The sync engine against the bundled server: batch vs single uploads with 50 ms of injected
// latency (the seed claims 10–20×), and a 100k-session drain (time and peak memory). The client
// runs in a child process, the server in a worker thread of this one.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DEFAULT_SEED, type SeedData } from '../src/testserver/index.js';
import type { Figures } from './figure.js';
import { drainWithNode, prepareQueuedHome } from './queued-home.js';
import { startServerWorker } from './server-worker.js';
import { round } from './stats.js';

/** The default seed plus accessible books up to `count`. */
export function seedWithBooks(count: number): SeedData {
  const extra = Array.from({ length: Math.max(0, count - 4) }, (_, i) => ({
    id: 100 + i,
    libraryId: 1,
    title: `Bench Book ${i + 1}`,
    authors: ['Bench'],
    bookType: 'EPUB' as const,
    fileName: `bench-${i + 1}.epub`,
    hash: randomBytes(16).toString('hex'),
  }));
  return { ...DEFAULT_SEED, books: [...DEFAULT_SEED.books, ...extra] };
}

export function accessibleBookIds(seed: SeedData): number[] {
  return seed.books.filter((b) => b.libraryId === 1).map((b) => b.id);
}

export async function timedDrain(options: Parameters<typeof startServerWorker>[0], bookIds: number[], perBook: number, concurrency: number | null = null, parallelSingles: number | null = null) {
  const server = await startServerWorker(options);
  const home = prepareQueuedHome(server.url, bookIds, perBook);
  try {
    const result = drainWithNode(home, concurrency, parallelSingles);
    const stored = await server.sessionCount();
    if (result.pending !== 0 || stored !== bookIds.length * perBook) {
      throw new Error(`drain incomplete: ${result.uploaded} uploaded, ${result.pending} pending, ${stored} on the server`);
    }
    return result;
  } finally {
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

export async function measureSync(): Promise<Figures> {
  const seed = seedWithBooks(10);
  const books = accessibleBookIds(seed).slice(0, 10);
  const batch = await timedDrain({ profile: 'fork', latencyMs: 50, seed }, books, 100);
  // The baseline is the plugin's way: one POST per session, one at a time.
  const single = await timedDrain({ profile: 'upstream', latencyMs: 50, seed }, books, 100, 1, 1);
  const singleParallel = await timedDrain({ profile: 'upstream', latencyMs: 50, seed }, books, 100);
  const big = await timedDrain({ profile: 'fork', latencyMs: 0 }, accessibleBookIds(DEFAULT_SEED), 25_000);
  return {
    batch_vs_single_speedup_50ms: {
      value: round(single.ms / batch.ms, 1),
      unit: 'x',
      note: `1,000 sessions over 10 books, 50 ms injected latency per request, fresh data directory (login and capability learning included): batches (fork, 4 books at a time) ${round(batch.ms / 1000, 2)} s vs one POST per session, one at a time as the plugin does (upstream) ${round(single.ms / 1000, 2)} s`,
    },
    batch_vs_parallel_single_speedup_50ms: {
      value: round(singleParallel.ms / batch.ms, 1),
      unit: 'x',
      note: `the same batches vs single POSTs, 8 in flight (upstream's way since issue 13; ${round(singleParallel.ms / 1000, 2)} s)`,
    },
    drain_100k_seconds: {
      value: round(big.ms / 1000, 2),
      unit: 's',
      note: '100,000 queued sessions over 4 books drained by one `sync` (child process) to the bundled server on 127.0.0.1, no injected latency; each batch marked as sent (fsync) before its request, then settled into history',
    },
    drain_100k_peak_rss_mb: { value: round(big.maxRssMb, 1), unit: 'MB', note: 'peak resident memory of that sync process' },
  };
}
