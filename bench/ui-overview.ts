// The status page with a queue of 100,000 sessions and a history of 100,000: time to render the
// overview (and the first page of the queue and history) server-side, over real HTTP on
// 127.0.0.1. Baseline in the same run: a bare COUNT of the parked sessions on an open connection
// (one scan of the queue: the least a count by state costs; a plain COUNT(*) only walks an index).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveSettings, SettingsSchema } from '../src/node/settings-file.js';
import { LocalStore } from '../src/node/sqlite/local-store.js';
import { startUiServer } from '../src/ui/ui-server.js';
import type { Figures } from './figure.js';
import { percentile, round, timeMs, timeMsAsync } from './stats.js';

const ROWS = 100_000;
const RUNS = 20;

/** 100,000 queued (a few parked, sending and unresolved) and 100,000 uploaded, in two statements. */
function fill(home: string): void {
  const store = LocalStore.open(home);
  try {
    const rows = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})`;
    const start = "strftime('%Y-%m-%dT%H:%M:%SZ', 1750000000 + i * 3600, 'unixepoch')";
    const end = "strftime('%Y-%m-%dT%H:%M:%SZ', 1750000000 + i * 3600 + 1800, 'unixepoch')";
    store.db.exec(`${rows} INSERT INTO pending_sessions (book_id, book_hash, book_type, book_title, start_time, end_time,
        duration_seconds, created_at, retry_count, upload_state, last_error, source)
      SELECT CASE WHEN i % 50 = 0 THEN NULL ELSE i % 200 + 1 END, printf('%032x', i % 50 + (i % 50 = 0) * 7), 'EPUB', 'Book ' || (i % 200),
        ${start}, ${end}, 1800, 1750000000 + i, i % 3,
        CASE WHEN i % 97 = 0 THEN 'parked' WHEN i % 101 = 0 THEN 'sending' ELSE 'queued' END,
        CASE WHEN i % 97 = 0 THEN 'sessions[0].endLocation: invalid' ELSE NULL END, 'record' FROM n`);
    store.db.exec(`${rows} INSERT INTO historical_sessions (koreader_book_id, koreader_book_title, book_id, book_hash, book_type,
        start_time, end_time, duration_seconds, created_at, synced, synced_at, server_session_id)
      SELECT i % 200, 'Book ' || (i % 200), i % 200 + 1, printf('%032x', i % 200), 'EPUB',
        ${start}, ${end}, 1800, 1650000000 + i, 1, 1650000000 + i, i FROM n`);
  } finally {
    store.close();
  }
}

async function timeGet(url: string, cookie: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const ms = await timeMsAsync(async () => {
      const res = await fetch(url, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
      await res.text();
    });
    if (i >= 2) times.push(ms); // two warm-ups
  }
  return times.sort((a, b) => a - b);
}

export async function measureUiOverview(): Promise<Figures> {
  const home = mkdtempSync(join(tmpdir(), 'bls-bench-ui-'));
  try {
    saveSettings(home, SettingsSchema.parse({ server: 'http://127.0.0.1:9', username: 'reader', password: 'reader' }));
    fill(home);
    const db = new Database(join(home, 'booklore-sync.sqlite'), { readonly: true });
    const count = db.prepare("SELECT COUNT(*) FROM pending_sessions WHERE upload_state = 'parked'").pluck();
    const baseline = Array.from({ length: RUNS }, () => timeMs(() => void count.get())).sort((a, b) => a - b);
    db.close();
    const ui = await startUiServer({ home, listen: { host: '127.0.0.1', port: 0 } });
    try {
      const login = await fetch(`${ui.url}?token=${ui.newToken}`, { redirect: 'manual' });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const overview = await timeGet(ui.url, cookie);
      const queue = await timeGet(`${ui.url}queue`, cookie);
      const history = await timeGet(`${ui.url}history`, cookie);
      const median = (t: number[]) => round(percentile(t, 50), 1);
      const countMs = round(percentile(baseline, 50), 2);
      return {
        ui_overview_100k_ms: {
          value: median(overview),
          unit: 'ms',
          note: `GET / over HTTP, queue 100,000 + history 100,000, median of ${RUNS} (p95 ${round(percentile(overview, 95), 1)} ms); goal < 200; bare COUNT of parked sessions (one scan) ${countMs} ms`,
        },
        ui_overview_vs_count_ratio: { value: round(percentile(overview, 50) / percentile(baseline, 50), 1), unit: 'x', note: 'overview ÷ bare COUNT of parked sessions (one scan of 100,000), same run' },
        ui_queue_page_100k_ms: { value: median(queue), unit: 'ms', note: 'GET /queue (first page of 50, with totals), same data' },
        ui_history_page_100k_ms: { value: median(history), unit: 'ms', note: 'GET /history (first page of 50, book filter list), same data' },
      };
    } finally {
      await ui.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
