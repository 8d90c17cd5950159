// KOReader's statistics.sqlite3, read without ever touching it. SQLite cannot open a WAL-mode file
// read-only without leaving -wal and -shm files next to it (and better-sqlite3 has no URI filenames,
// so no `immutable`), and a file KOReader is writing may hold locks or a hot journal. So we read a
// private snapshot: the file and its -wal or -journal, copied into a temporary directory and
// opened there (read-only unless a journal must be rolled back). The user's file is only ever read,
// and a file KOReader has locked still imports (its last committed state).
import Database from 'better-sqlite3';
import { closeSync, copyFileSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PageTurn, StatisticsBook } from '../core/page-stat-sessions.js';
import { EXIT } from '../app/exit-codes.js';
import { processAlive } from './node-lease-environment.js';
import { UserFacingError } from '../app/user-facing-error.js';

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const SNAPSHOT_PREFIX = 'booklore-sync-import-';
const OWNER_FILE = 'owner.pid';
const WHERE_IT_IS = "KOReader's statistics.sqlite3 (in KOReader's settings folder, e.g. koreader/settings/statistics.sqlite3)";

/** What KOReader's statistics plugin has had since 2020 (schema 20201010 and later). */
const REQUIRED_COLUMNS: Record<string, string[]> = {
  page_stat_data: ['id_book', 'page', 'start_time', 'duration', 'total_pages'],
  book: ['id', 'title', 'md5'],
};

/** The file is not what we can import: bad input (exit 2), like a missing book file for `record`. */
function badInput(message: string): UserFacingError {
  return new UserFacingError(message, EXIT.usage);
}

function errnoCode(err: unknown): string {
  return String((err as { code?: unknown }).code ?? '');
}

/** SQLite's complaints about the snapshot, said about the user's file. */
export function describeStatisticsError(path: string, err: unknown): UserFacingError {
  if (err instanceof UserFacingError) return err;
  const code = errnoCode(err);
  if (code === 'SQLITE_NOTADB') return badInput(`${path} is not a SQLite database; give ${WHERE_IT_IS}`);
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new UserFacingError(`reading ${path} failed in ${tmpdir()}, where its snapshot is kept (${code}); free some space there or point TMPDIR elsewhere`);
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return badInput(
      `${path} is damaged (${code}); nothing was imported. Repair a copy with \`sqlite3 ${path} .recover | sqlite3 repaired.sqlite3\` and import that`,
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new UserFacingError(`cannot read ${path} as KOReader statistics: ${detail}`);
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(100);
    const read = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Refuses what is plainly not a SQLite file before anything is copied. */
function checkLooksLikeSqlite(path: string): Stats {
  let stats: Stats;
  let header: Buffer;
  try {
    stats = statSync(path);
    if (stats.isDirectory()) throw badInput(`${path} is a directory; give ${WHERE_IT_IS}`);
    header = readHeader(path);
  } catch (err) {
    if (err instanceof UserFacingError) throw err;
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw badInput(`${path} does not exist; give ${WHERE_IT_IS}`);
    if (code === 'EACCES' || code === 'EPERM') throw badInput(`cannot read ${path} (${code}); check its permissions`);
    throw badInput(`cannot read ${path} (${code || String(err)})`);
  }
  if (header.length === 0) throw badInput(`${path} is empty, not KOReader's statistics; give ${WHERE_IT_IS}`);
  if (header.length < SQLITE_MAGIC.length || header.toString('latin1', 0, SQLITE_MAGIC.length) !== SQLITE_MAGIC) {
    throw badInput(`${path} is not a SQLite database; give ${WHERE_IT_IS}`);
  }
  return stats;
}

interface FileVersion {
  size: number;
  mtimeMs: number;
}

function versionOf(path: string): FileVersion | null {
  const stats = statOrNull(path);
  return stats === null ? null : { size: stats.size, mtimeMs: stats.mtimeMs };
}

function sameVersion(a: FileVersion | null, b: FileVersion | null): boolean {
  return a === null || b === null ? a === b : a.size === b.size && a.mtimeMs === b.mtimeMs;
}

const SIDECARS = ['-wal', '-journal'] as const;

/**
 * Copies the file and its non-empty -wal / -journal into `dir`. A copy taken while KOReader wrote
 * could mix two states, so it is taken again until nothing changed during the copy.
 */
function takeSnapshot(path: string, dir: string): { copy: string; journal: boolean } {
  const copy = join(dir, 'statistics.sqlite3');
  for (let attempt = 1; ; attempt++) {
    const paths = [path, ...SIDECARS.map((suffix) => `${path}${suffix}`)];
    const before = paths.map(versionOf);
    let journal = false;
    try {
      copyFileSync(path, copy);
      for (const suffix of SIDECARS) {
        rmSync(`${copy}${suffix}`, { force: true });
        const sidecar = statOrNull(`${path}${suffix}`);
        if (sidecar === null || sidecar.size === 0) continue;
        copyFileSync(`${path}${suffix}`, `${copy}${suffix}`);
        if (suffix === '-journal') journal = true;
      }
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOSPC') {
        throw new UserFacingError(
          `no room in ${tmpdir()} for a snapshot of ${path} (${Math.ceil(statSync(path).size / 1048576)} MB); free some space or point TMPDIR elsewhere`,
        );
      }
      if (code === 'EACCES' || code === 'EPERM') throw badInput(`cannot read ${path} or its -wal/-journal file (${code}); check their permissions`);
      throw err;
    }
    const after = paths.map(versionOf);
    if (before.every((version, i) => sameVersion(version, after[i] ?? null))) return { copy, journal };
    if (attempt === 3) {
      throw new UserFacingError(
        `${path} kept changing while it was read (KOReader is writing to it); close the book in KOReader, or import a copy of the file`,
      );
    }
  }
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).map((c) => c.toLowerCase());
}

/** Refuses a SQLite file of another application, naming what is missing. */
function checkSchema(db: Database.Database, path: string): void {
  const tables = db.prepare("SELECT lower(name) FROM sqlite_master WHERE type IN ('table', 'view')").pluck().all() as string[];
  if (!tables.includes('page_stat_data') && tables.includes('page_stat') && columnsOf(db, 'page_stat').includes('period')) {
    throw badInput(
      `${path} is KOReader statistics from before 2020 (no page_stat_data table); open KOReader once with the statistics plugin enabled to upgrade it, then import the upgraded file`,
    );
  }
  for (const [table, required] of Object.entries(REQUIRED_COLUMNS)) {
    if (!tables.includes(table)) {
      throw badInput(`${path} is a SQLite database but not KOReader's statistics (it has no ${table} table); give ${WHERE_IT_IS}`);
    }
    const columns = columnsOf(db, table);
    const missing = required.filter((c) => !columns.includes(c));
    if (missing.length > 0) {
      throw badInput(
        `${path} is not KOReader's statistics as we know them (table ${table} lacks ${missing.join(', ')}); give ${WHERE_IT_IS}`,
      );
    }
  }
}

/**
 * Damage found half-way would stop an import after some batches were queued; a quick check of
 * every page first (about a quarter of a second per million rows) refuses the file up front.
 */
function checkIntact(db: Database.Database, path: string): void {
  const problems = db.pragma('quick_check(1)', { simple: true });
  if (problems !== 'ok') throw describeStatisticsError(path, Object.assign(new Error(String(problems)), { code: 'SQLITE_CORRUPT' }));
}

/**
 * A killed import cannot remove its snapshot, which is as big as the user's statistics file. Each
 * snapshot directory names its process; the next import removes those of processes that are gone
 * (only our own: another user's directories are not ours to judge). Best effort: a failure here
 * never stops an import.
 */
export function removeAbandonedSnapshots(dir = tmpdir()): number {
  let removed = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((name) => name.startsWith(SNAPSHOT_PREFIX));
  } catch {
    return 0;
  }
  for (const name of entries) {
    const path = join(dir, name);
    try {
      if (typeof process.getuid === 'function' && statSync(path).uid !== process.getuid()) continue;
      const pid = Number(readFileSync(join(path, OWNER_FILE), 'utf8').trim());
      if (!Number.isSafeInteger(pid) || pid <= 0 || processAlive(pid)) continue;
      rmSync(path, { recursive: true, force: true });
      removed++;
    } catch {
      // No owner file yet (being created), or not readable: leave it.
    }
  }
  return removed;
}

type PageTurnRow = [page: number, startTime: number, duration: number, totalPages: number];

export class KoreaderStatisticsFile {
  private readonly bookById;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
    private readonly snapshotDir: string,
  ) {
    this.bookById = db.prepare('SELECT title, md5 FROM book WHERE id = ?');
  }

  /** Validates and snapshots `path`; throws a UserFacingError (exit 2) for anything but KOReader statistics. */
  static open(path: string): KoreaderStatisticsFile {
    checkLooksLikeSqlite(path);
    removeAbandonedSnapshots();
    const dir = mkdtempSync(join(tmpdir(), SNAPSHOT_PREFIX));
    let db: Database.Database | null = null;
    try {
      writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`, { mode: 0o600 });
      const { copy, journal } = takeSnapshot(path, dir);
      // A journal may be hot (KOReader stopped mid-write): SQLite rolls it back on open, which needs
      // write access. To the copy, never to the user's file.
      db = new Database(copy, { readonly: !journal, fileMustExist: true });
      checkSchema(db, path);
      checkIntact(db, path);
      return new KoreaderStatisticsFile(path, db, dir);
    } catch (err) {
      db?.close();
      rmSync(dir, { recursive: true, force: true });
      throw describeStatisticsError(path, err);
    }
  }

  /** How many page turns the file holds, and its newest instant (latest start + duration). */
  summary(): { rows: number; newestInstant: number } {
    return this.read(() => {
      const row = this.db.prepare('SELECT COUNT(*) AS rows, MAX(start_time + duration) AS newest FROM page_stat_data').get() as {
        rows: number;
        newest: number | null;
      };
      return { rows: row.rows, newestInstant: row.newest ?? 0 };
    });
  }

  /** The book row of a page turn; a page turn of a book that is not in the table gets no title and no MD5. */
  book(koreaderBookId: number | null): StatisticsBook {
    const row =
      koreaderBookId === null
        ? undefined
        : (this.read(() => this.bookById.get(koreaderBookId)) as { title: unknown; md5: unknown } | undefined);
    const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
    return { koreaderBookId, title: text(row?.title), md5: text(row?.md5)?.trim() || null };
  }

  /**
   * Calls `visit` for every page turn, a book at a time (by KOReader's book id), each book's in
   * start-time order (page breaks ties, so every run groups alike). Streams: a book of up to
   * `chunkRows` page turns is read in one `.all()` (a third cheaper per row than `.iterate()`, which
   * dominates a large import), a bigger one row by row. The turn object is reused from row to row;
   * `visit` must copy what it keeps.
   */
  forEachPageTurn(visit: (koreaderBookId: number | null, turn: PageTurn) => void, chunkRows = 10_000): void {
    const turn: PageTurn = { page: 0, startTime: 0, duration: 0, totalPages: 0 };
    const visitRow = (book: number | null, row: PageTurnRow) => {
      turn.page = row[0];
      turn.startTime = row[1];
      turn.duration = row[2];
      turn.totalPages = row[3];
      visit(book, turn);
    };
    const bookRows = this.db
      .prepare('SELECT page, start_time, duration, total_pages FROM page_stat_data WHERE id_book IS @book ORDER BY start_time, page LIMIT @limit')
      .raw();
    try {
      const books = this.db.prepare('SELECT DISTINCT id_book FROM page_stat_data ORDER BY id_book').pluck().all() as (number | null)[];
      for (const book of books) {
        const rows = bookRows.all({ book, limit: chunkRows + 1 }) as PageTurnRow[];
        if (rows.length <= chunkRows) {
          for (const row of rows) visitRow(book, row);
        } else {
          for (const row of bookRows.iterate({ book, limit: -1 }) as IterableIterator<PageTurnRow>) visitRow(book, row);
        }
      }
    } catch (err) {
      // SQLite's errors are about the file (damage found mid-way); anything else is the visitor's own.
      throw String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_') ? describeStatisticsError(this.path, err) : err;
    }
  }

  private read<T>(operation: () => T): T {
    try {
      return operation();
    } catch (err) {
      throw describeStatisticsError(this.path, err);
    }
  }

  /** Closes the snapshot and removes it. */
  close(): void {
    if (this.db.open) this.db.close();
    rmSync(this.snapshotDir, { recursive: true, force: true });
  }
}
