// A data directory configured for a bench server, with many sessions queued, and a Node drain of
// it in a child process: shared by the sync and the Lua-vs-Node benchmarks.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveSettings, SettingsSchema } from '../src/node/settings-file.js';
import { validateSession } from '../src/core/session.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';

const DRAIN_CHILD = join(dirname(fileURLToPath(import.meta.url)), 'drain-child.js');

/** `perBook` sessions for each book, an hour apart, queued in one transaction. */
export function prepareQueuedHome(serverUrl: string, bookIds: number[], perBook: number): string {
  const home = mkdtempSync(join(tmpdir(), 'bls-bench-'));
  saveSettings(home, SettingsSchema.parse({ server: serverUrl, username: 'reader', password: 'reader', timeoutSeconds: 60 }));
  const store = LocalStore.open(home);
  try {
    store.db.transaction(() => {
      const base = 1_750_000_000;
      for (const [b, bookId] of bookIds.entries()) {
        for (let i = 0; i < perBook; i++) {
          const start = base + (b * perBook + i) * 3600;
          const v = validateSession({ bookId, bookType: 'EPUB', startTime: start, endTime: start + 1800, startProgress: 1, endProgress: 2, startLocation: '1', endLocation: '9' });
          if (!v.ok) throw new Error('bench session invalid');
          store.queue.enqueue(v.session, 'record');
        }
      }
    })();
  } finally {
    store.close();
  }
  return home;
}

export interface DrainResult {
  ms: number;
  maxRssMb: number;
  uploaded: number;
  pending: number;
  stockResolution: { contentRequests: number; libraryFiles: number; resolved: number } | null;
}

/** One Sync Now of `home` by the Node build, in its own process (bench/drain-child.ts). */
export function drainWithNode(home: string, concurrency: number | null = null, parallelSingles: number | null = null): DrainResult {
  const args = [concurrency ? String(concurrency) : '-', ...(parallelSingles ? [String(parallelSingles)] : [])];
  const out = execFileSync(process.execPath, [DRAIN_CHILD, home, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as DrainResult;
}
