// Queue files as they turn up in the wild: truncated, random bytes, flipped bits, another
// application's database, a newer schema, and plugin rows holding values of any type (SQLite is
// dynamically typed). Every command ends in a documented exit code with a message; a refused file
// is left untouched; rows that cannot be sent are parked with a reason, never dropped.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { saveSettings, SettingsSchema } from '../../src/node/settings-file.js';
import { validateSession } from '../../src/core/session.js';
import { LocalStore } from '../../src/node/sqlite/local-store.js';
import { start, type TestServer } from '../../src/testserver/index.js';
import { Prng } from '../prng.js';
import { fileDigest } from './file-digest.js';
import { recordFailure, type FuzzResult } from './fuzz-result.js';
import { looksLikeACrash, runInProcess } from './in-process-cli.js';
import { hostileValue } from './values.js';

const VALID_CODES = new Set([0, 1, 2, 3, 4]);

function healthyQueue(home: string, sessions: number): void {
  const store = LocalStore.open(home);
  try {
    for (let i = 0; i < sessions; i++) {
      const v = validateSession({ bookId: 1 + (i % 4), startTime: 1_772_000_000 + i * 3600, endTime: 1_772_000_000 + i * 3600 + 1800 });
      if (v.ok) store.queue.enqueue(v.session, 'record');
    }
  } finally {
    store.close();
  }
}

/** What was done to the file, and whether a refusal must leave it untouched (refused on opening). */
type Damage = (path: string, rng: Prng) => string;
const REFUSED_ON_OPENING = /random bytes|another application|a newer schema|a damaged header/;

const DAMAGES: Damage[] = [
  (path, rng) => {
    const size = readFileSync(path).length;
    const at = rng.int(0, size - 1);
    truncateSync(path, at);
    return `truncated at ${at} of ${size}`;
  },
  (path, rng) => {
    writeFileSync(path, randomBytes(rng.int(1, 65536)));
    return 'random bytes';
  },
  (path, rng) => {
    const bytes = readFileSync(path);
    const flips = rng.int(1, 40);
    for (let f = 0; f < flips; f++) bytes[rng.int(0, bytes.length - 1)]! ^= 1 << rng.int(0, 7);
    writeFileSync(path, bytes);
    return `${flips} flipped bits`;
  },
  (path) => {
    rmSync(path);
    const db = new Database(path);
    db.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT); INSERT INTO photos VALUES (1, 'x.jpg')");
    db.close();
    return "another application's database";
  },
  (path) => {
    const db = new Database(path);
    db.prepare("INSERT INTO booklore_sync_migrations VALUES (99, 'from the future', 0)").run();
    db.close();
    return 'a newer schema';
  },
  (path) => {
    const bytes = readFileSync(path);
    bytes.write('Not SQLite at all', 0);
    writeFileSync(path, bytes);
    return 'a damaged header';
  },
];

const COMMANDS = [
  ['--json', 'pending'],
  ['history'],
  ['record', '--no-sync', '--book-id', '2', '--start', '2026-06-01T10:00:00Z', '--end', '2026-06-01T10:40:00Z'],
  ['sync'],
  ['retry'],
  ['attach', '--id', '1', '--book-id', '3'],
];

async function checkCommand(result: FuzzResult, argv: string[], path: string, context: string, mustStayUntouched = true): Promise<number> {
  const before = fileDigest(path);
  const outcome = await runInProcess(argv);
  result.cases++;
  if (!VALID_CODES.has(outcome.code)) recordFailure(result, `exit ${outcome.code} for ${argv.join(' ')}: ${context}`);
  const crash = looksLikeACrash(outcome.stderr);
  if (crash) recordFailure(result, `${crash} for ${argv.join(' ')}: ${context}`);
  if (mustStayUntouched && outcome.code === 1 && fileDigest(path) !== before) recordFailure(result, `refused (${outcome.stderr.trim()}) yet changed the file: ${argv.join(' ')}: ${context}`);
  return outcome.code;
}

/** Plugin rows with values of any type: sync parks what cannot be sent and drops nothing. */
async function oddRows(result: FuzzResult, rng: Prng, server: TestServer, home: string, seed: number, i: number): Promise<void> {
  const path = join(home, 'booklore-sync.sqlite');
  healthyQueue(home, 2);
  const db = new Database(path);
  const columns = ['book_id', 'book_hash', 'book_type', 'start_time', 'end_time', 'duration_seconds', 'start_progress', 'end_progress', 'start_location', 'end_location', 'retry_count', 'book_title', 'koreader_book_id'];
  const rows = rng.int(1, 6);
  for (let r = 0; r < rows; r++) {
    const values: Record<string, unknown> = {
      book_id: rng.int(1, 4), book_hash: '', book_type: 'EPUB', start_time: `2026-07-0${rng.int(1, 9)}T1${rng.int(0, 9)}:00:00Z`,
      end_time: `2026-07-0${rng.int(1, 9)}T1${rng.int(0, 9)}:30:00Z`, duration_seconds: 1800,
    };
    for (const column of rng.subset(columns, 0.3)) {
      const v = hostileValue(rng);
      values[column] = v === undefined || (typeof v === 'object' && v !== null) ? JSON.stringify(v) ?? null : typeof v === 'boolean' ? Number(v) : v;
    }
    // NOT NULL columns of the plugin's schema stay filled, as the plugin's own inserts do
    for (const required of ['book_hash', 'start_time', 'end_time', 'duration_seconds']) if (values[required] === null) values[required] = '';
    try {
      db.prepare(`INSERT INTO pending_sessions (${Object.keys(values).join(', ')}) VALUES (${Object.keys(values).map((k) => `@${k}`).join(', ')})`).run(values);
    } catch {
      // a value SQLite itself refuses (e.g. a huge number as text): not a row the plugin could write
    }
  }
  const total = db.prepare('SELECT COUNT(*) FROM pending_sessions').pluck().get() as number;
  db.close();
  saveSettings(home, SettingsSchema.parse({ server: server.url, username: 'reader', password: 'reader', timeoutSeconds: 2 }));
  await checkCommand(result, ['--home', home, 'sync'], path, `seed ${seed} odd rows ${i}`);
  await checkCommand(result, ['--home', home, '--json', 'pending'], path, `seed ${seed} odd rows ${i}`);
  const after = new Database(path, { readonly: true });
  try {
    const left = after.prepare('SELECT COUNT(*) FROM pending_sessions').pluck().get() as number;
    const uploaded = after.prepare('SELECT COUNT(*) FROM historical_sessions WHERE synced = 1').pluck().get() as number;
    const parkedWithoutReason = after.prepare("SELECT COUNT(*) FROM pending_sessions WHERE upload_state = 'parked' AND (last_error IS NULL OR last_error = '')").pluck().get() as number;
    if (left + uploaded < total) recordFailure(result, `${total} rows, ${left} left + ${uploaded} uploaded: seed ${seed} odd rows ${i}`);
    if (parkedWithoutReason > 0) recordFailure(result, `parked without a reason: seed ${seed} odd rows ${i}`);
  } finally {
    after.close();
  }
}

export async function fuzzDatabases(seed: number, cases: number): Promise<FuzzResult> {
  const rng = new Prng(seed);
  const result: FuzzResult = { name: 'queue database files', cases: 0, failures: [] };
  const server = await start({ port: 0 });
  try {
    for (let i = 0; i < cases; i++) {
      const home = mkdtempSync(join(tmpdir(), 'bls-fuzz-db-'));
      try {
        if (rng.chance(0.3)) {
          server.admin.reset();
          await oddRows(result, rng, server, home, seed, i);
          continue;
        }
        writeFileSync(join(home, 'config.json'), JSON.stringify({ server: 'http://127.0.0.1:9', username: 'reader', password: 'x', timeoutSeconds: 1 }));
        healthyQueue(home, rng.int(0, 30));
        const path = join(home, 'booklore-sync.sqlite');
        const damage = rng.pick(DAMAGES)(path, rng);
        for (const argv of rng.subset(COMMANDS, 0.5)) {
          // Damage deep inside the file shows only when that page is read, possibly after a write.
          await checkCommand(result, ['--home', home, ...argv], path, `seed ${seed} case ${i} (${damage})`, REFUSED_ON_OPENING.test(damage));
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
  return result;
}
