// KOReader's statistics.sqlite3 as the statistics plugin creates it (plugins/statistics.koplugin,
// createDB, schema 20221111), built independently of the import code it tests.
import Database from 'better-sqlite3';

export const KOREADER_STATISTICS_SCHEMA_VERSION = 20221111;

export const KOREADER_STATISTICS_DDL = [
  `CREATE TABLE IF NOT EXISTS book (
    id integer PRIMARY KEY autoincrement, title text, authors text, notes integer, last_open integer,
    highlights integer, pages integer, series text, language text, md5 text, total_read_time integer,
    total_read_pages integer)`,
  `CREATE TABLE IF NOT EXISTS page_stat_data (
    id_book integer, page integer NOT NULL DEFAULT 0, start_time integer NOT NULL DEFAULT 0,
    duration integer NOT NULL DEFAULT 0, total_pages integer NOT NULL DEFAULT 0,
    UNIQUE (id_book, page, start_time), FOREIGN KEY(id_book) REFERENCES book(id))`,
  'CREATE INDEX IF NOT EXISTS page_stat_data_start_time ON page_stat_data(start_time)',
  'CREATE TABLE IF NOT EXISTS numbers (number INTEGER PRIMARY KEY)',
  `WITH RECURSIVE counter AS (SELECT 1 as N UNION ALL SELECT N + 1 FROM counter WHERE N < 1000)
    INSERT INTO numbers SELECT N AS number FROM counter`,
  `CREATE VIEW IF NOT EXISTS page_stat AS
    SELECT id_book, first_page + idx - 1 AS page, start_time, duration / (last_page - first_page + 1) AS duration
    FROM (SELECT id_book, page, total_pages, pages, start_time, duration,
        ((page - 1) * pages) / total_pages + 1 AS first_page,
        max(((page - 1) * pages) / total_pages + 1, (page * pages) / total_pages) AS last_page, idx
      FROM page_stat_data JOIN book ON book.id = id_book JOIN (SELECT number as idx FROM numbers) AS N
      ON idx <= (last_page - first_page + 1))`,
  'CREATE UNIQUE INDEX IF NOT EXISTS book_title_authors_md5 ON book(title, authors, md5)',
];

export interface StatsBook {
  id: number;
  title: string | null;
  authors?: string;
  md5: string | null;
  pages?: number;
}

/** A page_stat_data row: id_book, page, start_time (epoch s), duration (s), total_pages. */
export type StatsRow = [idBook: number | null, page: number, startTime: number, duration: number, totalPages: number];

export interface StatsContent {
  books?: StatsBook[];
  rows?: Iterable<StatsRow>;
  /** KOReader uses WAL where the device can, TRUNCATE elsewhere. */
  journalMode?: 'WAL' | 'TRUNCATE';
}

/** Creates (or extends) a statistics database at `path`. */
export function writeKoreaderStatistics(path: string, content: StatsContent): void {
  const db = new Database(path);
  try {
    db.pragma(`journal_mode = ${content.journalMode ?? 'WAL'}`);
    db.transaction(() => {
      for (const sql of KOREADER_STATISTICS_DDL) {
        if (sql.startsWith('WITH') && (db.prepare('SELECT COUNT(*) FROM numbers').pluck().get() as number) > 0) continue;
        db.exec(sql);
      }
      db.pragma(`user_version = ${KOREADER_STATISTICS_SCHEMA_VERSION}`);
      // Positional, as the plugin inserts them.
      const book = db.prepare('INSERT OR IGNORE INTO book VALUES (?, ?, ?, 0, 0, 0, ?, NULL, NULL, ?, 0, 0)');
      for (const b of content.books ?? []) book.run(b.id, b.title, b.authors ?? '', b.pages ?? null, b.md5);
      const row = db.prepare('INSERT OR IGNORE INTO page_stat_data VALUES (?, ?, ?, ?, ?)');
      for (const r of content.rows ?? []) row.run(...r);
    })();
  } finally {
    db.close();
  }
}

/** Page turns of one book: consecutive pages from `firstPage`, each `secondsPerPage` after the last. */
export function readingRun(
  idBook: number,
  options: { start: number; firstPage: number; pages: number; secondsPerPage: number; totalPages: number; step?: number },
): StatsRow[] {
  const rows: StatsRow[] = [];
  for (let i = 0; i < options.pages; i++) {
    rows.push([idBook, options.firstPage + i * (options.step ?? 1), options.start + i * options.secondsPerPage, options.secondsPerPage, options.totalPages]);
  }
  return rows;
}
