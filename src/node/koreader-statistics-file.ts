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
import { badStatisticsInput as badInput, WHERE_IT_IS } from '../app/koreader-statistics.js';
import type { StatisticsSnapshot } from '../app/runtime.js';
import { processAlive } from './node-lease-environment.js';
import { UserFacingError } from '../app/user-facing-error.js';

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const SNAPSHOT_PREFIX = 'booklore-sync-import-';
const OWNER_FILE = 'owner.pid';

function errnoCode(err: unknown): string {
  return String((err as { code?: unknown }).code ?? '');
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

/**
 * The Runtime's snapshotStatistics in Node: refuses what is plainly not a SQLite file, removes the
 * snapshots of killed imports, copies the file (and its journal) into a private temporary
 * directory and opens the copy read-only (unless a hot journal must be rolled back, in the copy).
 */
export function snapshotStatistics(path: string): StatisticsSnapshot {
  checkLooksLikeSqlite(path);
  removeAbandonedSnapshots();
  const dir = mkdtempSync(join(tmpdir(), SNAPSHOT_PREFIX));
  try {
    writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`, { mode: 0o600 });
    const { copy, journal } = takeSnapshot(path, dir);
    const db = new Database(copy, { readonly: !journal, fileMustExist: true });
    return {
      db,
      discard() {
        if (db.open) db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
