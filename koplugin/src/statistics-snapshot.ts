// The Runtime's snapshotStatistics on the device: KOReader's own statistics.sqlite3 (which its
// statistics plugin may be writing) is copied, with a non-empty -wal or -journal, next to our
// queue and opened there, so the user's file is only ever read. The copy is taken again when the
// file changed while it was copied.
import { badStatisticsInput, WHERE_IT_IS } from '../../src/app/koreader-statistics.js';
import type { StatisticsSnapshot } from '../../src/app/runtime.js';
import { UserFacingError } from '../../src/app/user-facing-error.js';
import { restrictToOwner } from './file-mode.js';
import { Database } from './sqlite.js';

const SQLITE_MAGIC = 'SQLite format 3\0';
const SIDECARS = ['-wal', '-journal'];
const CHUNK = 1048576;

/** Size of a file, or undefined when it cannot be opened. */
function sizeOf(path: string): number | undefined {
  const [file] = io.open(path, 'rb');
  if (file === undefined) return undefined;
  const [size] = file.seek('end');
  file.close();
  return size;
}

function copyFile(from: string, to: string): void {
  const [source, readError] = io.open(from, 'rb');
  if (source === undefined) throw badStatisticsInput(`cannot read ${from} (${readError ?? 'unknown error'})`);
  const [target, writeError] = io.open(to, 'wb');
  if (target === undefined) {
    source.close();
    throw new UserFacingError(`cannot write a snapshot of the statistics to ${to} (${writeError ?? 'unknown error'}); free some space on the device`);
  }
  try {
    for (;;) {
      const data = source.read(CHUNK) as string | undefined;
      if (data === undefined) break;
      const [written, error] = target.write(data);
      if (written === undefined) throw new UserFacingError(`cannot write a snapshot of the statistics to ${to} (${error ?? 'disk full?'})`);
    }
  } finally {
    source.close();
    target.close();
  }
}

function checkLooksLikeSqlite(path: string): void {
  const [file, error] = io.open(path, 'rb');
  if (file === undefined) throw badStatisticsInput(`cannot read ${path} (${error ?? 'no such file'}); give ${WHERE_IT_IS}`);
  const header = file.read(100) as string | undefined;
  file.close();
  if (header === undefined || header.length === 0) throw badStatisticsInput(`${path} is empty, not KOReader's statistics; give ${WHERE_IT_IS}`);
  if (header.substring(0, SQLITE_MAGIC.length) !== SQLITE_MAGIC) throw badStatisticsInput(`${path} is not a SQLite database; give ${WHERE_IT_IS}`);
}

function removeCopy(copy: string): void {
  os.remove(copy);
  for (const suffix of [...SIDECARS, '-shm']) os.remove(`${copy}${suffix}`);
}

export function snapshotStatistics(path: string, workDir: string, busyTimeoutMs: number): StatisticsSnapshot {
  checkLooksLikeSqlite(path);
  const copy = `${workDir}/booklore-sync-statistics-snapshot.sqlite3`;
  let journal = false;
  for (let attempt = 1; ; attempt++) {
    const before = [path, ...SIDECARS.map((s) => `${path}${s}`)].map((p) => sizeOf(p) ?? -1);
    removeCopy(copy);
    copyFile(path, copy);
    // The reader's history is theirs alone, like the queue; SQLite's -shm takes the copy's mode.
    restrictToOwner(copy);
    journal = false;
    for (const suffix of SIDECARS) {
      const size = sizeOf(`${path}${suffix}`);
      if (size === undefined || size === 0) continue;
      copyFile(`${path}${suffix}`, `${copy}${suffix}`);
      if (suffix === '-journal') journal = true;
    }
    const after = [path, ...SIDECARS.map((s) => `${path}${s}`)].map((p) => sizeOf(p) ?? -1);
    if (before.every((size, i) => size === after[i])) break;
    if (attempt === 3) {
      removeCopy(copy);
      throw new UserFacingError(`${path} kept changing while it was read (KOReader is writing to it); close the book and try again`);
    }
  }
  let db: Database;
  try {
    // A hot journal is rolled back on open, which needs write access: to the copy only.
    db = Database.open(copy, busyTimeoutMs, journal ? 'rw' : 'ro');
  } catch (err) {
    removeCopy(copy);
    throw err;
  }
  return {
    db,
    discard() {
      db.close();
      removeCopy(copy);
    },
  };
}
