// What the crash torture reads in a trial's queue database (the same file and schema in both
// runtimes), read-only, and the KOReader statistics file an import trial starts from.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importKoreaderStats } from '../src/app/import-koreader-stats.js';
import { nodeApp } from '../src/node/node-runtime.js';
import { formatIsoUtc } from '../src/core/iso-time.js';
import { PLUGIN_SESSION_GAP_SECONDS } from '../src/core/page-stat-sessions.js';
import { DATABASE_FILE } from '../src/app/queue-database.js';
import { readingRun, writeKoreaderStatistics, type StatsRow } from '../test/helpers/koreader-stats-db.js';
import type { Prng } from './prng.js';
import type { PlannedSession } from './torture-runtime.js';

function withQueue<T>(home: string, fallback: T, read: (db: Database.Database) => T): T {
  const path = join(home, DATABASE_FILE);
  if (!existsSync(path)) return fallback;
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    // a process killed while starting may leave the file without its tables yet
    const tables = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('pending_sessions', 'historical_sessions')").pluck().get();
    if (tables !== 2) return fallback;
    return read(db);
  } finally {
    db.close();
  }
}

export function pendingCount(home: string): number {
  return withQueue(home, 0, (db) => db.prepare('SELECT COUNT(*) FROM pending_sessions').pluck().get() as number);
}

/** Uploaded sessions in the history, as `bookId|start|end`. */
export function historyKeys(home: string): string[] {
  return withQueue(home, [] as string[], (db) =>
    (db.prepare('SELECT book_id, start_time, end_time FROM historical_sessions WHERE synced = 1').all() as { book_id: number; start_time: string; end_time: string }[]).map(
      (h) => `${h.book_id}|${h.start_time}|${h.end_time}`,
    ),
  );
}

/** Whether the queue or the history holds this session (its start and end are unique in a trial). */
export function isCommitted(home: string, session: PlannedSession): boolean {
  const start = formatIsoUtc(session.start);
  const end = formatIsoUtc(session.end);
  return withQueue(home, false, (db) =>
    db.prepare('SELECT 1 FROM pending_sessions WHERE start_time = ? AND end_time = ? UNION ALL SELECT 1 FROM historical_sessions WHERE start_time = ? AND end_time = ?').get(start, end, start, end) !== undefined,
  );
}

/**
 * A KOReader statistics file of reading in 2024 (apart from the recorded sessions) in `home`, and
 * the sessions an import of it queues (`bookId|start|end`), learned by importing it into a scratch
 * queue first.
 */
export function importTrialFile(rng: Prng, home: string, books: readonly { id: number; hash: string }[]): { file: string; keys: string[] } {
  const file = join(home, 'statistics.sqlite3');
  const chosen = rng.subset(books, 0.5);
  if (chosen.length === 0) chosen.push(rng.pick(books));
  const rows: StatsRow[] = [];
  chosen.forEach((book, b) => {
    for (let run = rng.int(1, 3); run > 0; run--) {
      const start = 1_704_000_000 + (b * 10 + run) * 86_400 + rng.int(0, 3600);
      rows.push(...readingRun(b + 1, { start, firstPage: run * 20, pages: rng.int(3, 8), secondsPerPage: 60, totalPages: 300 }));
    }
  });
  writeKoreaderStatistics(file, { books: chosen.map((book, b) => ({ id: b + 1, title: `Book ${book.id}`, md5: book.hash, pages: 300 })), rows });
  const reference = mkdtempSync(join(tmpdir(), 'bls-torture-ref-'));
  try {
    importKoreaderStats(nodeApp(reference), file, { gapSeconds: PLUGIN_SESSION_GAP_SECONDS, dryRun: false, includeOpen: true });
    const idOf = new Map(books.map((b) => [b.hash, b.id]));
    const keys = withQueue(reference, [] as string[], (db) =>
      (db.prepare('SELECT book_hash, start_time, end_time FROM pending_sessions').all() as { book_hash: string; start_time: string; end_time: string }[]).map(
        (p) => `${idOf.get(p.book_hash)}|${p.start_time}|${p.end_time}`,
      ),
    );
    return { file, keys };
  } finally {
    rmSync(reference, { recursive: true, force: true });
  }
}
