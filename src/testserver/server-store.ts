// Every query the server makes, as prepared statements. Batch inserts run in one transaction and
// list queries walk the (user_id, book_id, start_time) index, so a 100k-session drain stays fast.
import type Database from 'better-sqlite3';
import type { BookFileFields } from './book-files.js';
import type { BookType } from './book-types.js';

export interface UserRow {
  id: number;
  username: string;
  password: string;
  is_admin: number;
}

export interface KoreaderUserRow {
  id: number;
  username: string;
  password: string;
  password_md5: string;
  sync_enabled: number;
  booklore_user_id: number | null;
}

export interface BookRow extends BookFileFields {
  id: number;
  library_id: number;
  library_name: string;
  title: string;
  authors: string;
  isbn13: string | null;
  book_type: BookType;
  file_name: string;
  file_size_kb: number | null;
  initial_hash: string;
  current_hash: string;
  added_on: string | null;
}

export interface SessionRow {
  id: number;
  user_id: number;
  book_id: number;
  book_type: BookType;
  start_time: number;
  end_time: number;
  duration_seconds: number;
  duration_formatted: string | null;
  start_progress: number | null;
  end_progress: number | null;
  progress_delta: number | null;
  start_location: string | null;
  end_location: string | null;
  created_at: string;
}

export type NewSession = Omit<SessionRow, 'id' | 'user_id' | 'book_id' | 'book_type' | 'created_at'>;

export interface TokenRow {
  jti: string;
  kind: 'access' | 'refresh';
  user_id: number;
  expires_at_ms: number;
  revoked: number;
}

const BOOK_COLUMNS = `b.id, b.library_id, l.name AS library_name, b.title, b.authors, b.isbn13, b.book_type, b.file_name,
  b.file_size_kb, b.initial_hash, b.current_hash, b.file_size_bytes, b.content_salt, b.added_on, b.is_physical, b.file_missing,
  b.alt_formats`;

export class ServerStore {
  private readonly s;
  private readonly insertBatch: (userId: number, bookId: number, bookType: BookType, createdAt: string, sessions: NewSession[]) => number[];

  constructor(readonly db: Database.Database) {
    this.s = {
      userByName: db.prepare('SELECT * FROM users WHERE username = ?'),
      userById: db.prepare('SELECT * FROM users WHERE id = ?'),
      users: db.prepare('SELECT * FROM users ORDER BY id'),
      koreaderByName: db.prepare('SELECT * FROM koreader_users WHERE username = ?'),
      member: db.prepare('SELECT 1 FROM library_users WHERE library_id = ? AND user_id = ?'),
      membersOf: db.prepare('SELECT u.username FROM library_users m JOIN users u ON u.id = m.user_id WHERE m.library_id = ? ORDER BY u.id').pluck(),
      bookById: db.prepare(`SELECT ${BOOK_COLUMNS} FROM books b JOIN libraries l ON l.id = b.library_id WHERE b.id = ?`),
      booksByHash: db.prepare(`SELECT ${BOOK_COLUMNS} FROM books b JOIN libraries l ON l.id = b.library_id WHERE b.current_hash = ? LIMIT 2`),
      books: db.prepare(`SELECT ${BOOK_COLUMNS} FROM books b JOIN libraries l ON l.id = b.library_id ORDER BY b.id`),
      booksForUser: db.prepare(`SELECT ${BOOK_COLUMNS} FROM books b JOIN libraries l ON l.id = b.library_id
        WHERE EXISTS (SELECT 1 FROM library_users m WHERE m.library_id = b.library_id AND m.user_id = ?) ORDER BY b.id`),
      // §3.3: BookLore rewrote the file, so its bytes change with its hash.
      setHash: db.prepare("UPDATE books SET current_hash = @hash, content_salt = CASE WHEN @hash = initial_hash THEN content_salt ELSE 'drift-' || @hash END WHERE id = @id"),
      insertSession: db.prepare(`INSERT INTO reading_sessions
        (user_id, book_id, book_type, start_time, end_time, duration_seconds, duration_formatted, start_progress,
         end_progress, progress_delta, start_location, end_location, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      // Walks the index backwards: newest start first, ties by id descending.
      pageSessions: db.prepare(`SELECT * FROM reading_sessions WHERE user_id = ? AND book_id = ?
        ORDER BY start_time DESC, id DESC LIMIT ? OFFSET ?`),
      countSessions: db.prepare('SELECT COUNT(*) FROM reading_sessions WHERE user_id = ? AND book_id = ?').pluck(),
      allSessions: db.prepare('SELECT * FROM reading_sessions ORDER BY id'),
      sessionCount: db.prepare('SELECT COUNT(*) FROM reading_sessions').pluck(),
      insertToken: db.prepare('INSERT INTO tokens (jti, kind, user_id, expires_at_ms) VALUES (?, ?, ?, ?)'),
      tokenById: db.prepare('SELECT * FROM tokens WHERE jti = ?'),
      revokeToken: db.prepare('UPDATE tokens SET revoked = 1 WHERE jti = ?'),
      expireTokens: db.prepare('UPDATE tokens SET expires_at_ms = MIN(expires_at_ms, ?) WHERE kind = ?'),
    };
    this.insertBatch = db.transaction((userId: number, bookId: number, bookType: BookType, createdAt: string, sessions: NewSession[]) => {
      const ids: number[] = [];
      for (const session of sessions) {
        const info = this.s.insertSession.run(
          userId, bookId, bookType, session.start_time, session.end_time, session.duration_seconds, session.duration_formatted,
          session.start_progress, session.end_progress, session.progress_delta, session.start_location, session.end_location, createdAt,
        );
        ids.push(Number(info.lastInsertRowid));
      }
      return ids;
    });
  }

  userByName(username: string): UserRow | undefined {
    return this.s.userByName.get(username) as UserRow | undefined;
  }

  userById(id: number): UserRow | undefined {
    return this.s.userById.get(id) as UserRow | undefined;
  }

  users(): UserRow[] {
    return this.s.users.all() as UserRow[];
  }

  koreaderUser(username: string): KoreaderUserRow | undefined {
    return this.s.koreaderByName.get(username) as KoreaderUserRow | undefined;
  }

  /** §1.2 validateBookAccess / §3.1: admins see everything, others only their libraries. */
  canAccess(user: UserRow, libraryId: number): boolean {
    return user.is_admin === 1 || this.s.member.get(libraryId, user.id) !== undefined;
  }

  libraryMembers(libraryId: number): string[] {
    return this.s.membersOf.all(libraryId) as string[];
  }

  book(id: number): BookRow | undefined {
    return this.s.bookById.get(id) as BookRow | undefined;
  }

  /** Up to two books with this current hash (two means the lookup is ambiguous). */
  booksByHash(hash: string): BookRow[] {
    return this.s.booksByHash.all(hash) as BookRow[];
  }

  books(): BookRow[] {
    return this.s.books.all() as BookRow[];
  }

  booksVisibleTo(user: UserRow): BookRow[] {
    return user.is_admin === 1 ? this.books() : (this.s.booksForUser.all(user.id) as BookRow[]);
  }

  /** Hash drift (§3.3): BookLore rewrote the file, so current_hash changes; initial_hash stays. */
  setCurrentHash(bookId: number, hash: string): boolean {
    return this.s.setHash.run({ hash, id: bookId }).changes > 0;
  }

  insertSessions(userId: number, bookId: number, bookType: BookType, createdAt: string, sessions: NewSession[]): number[] {
    return this.insertBatch(userId, bookId, bookType, createdAt, sessions);
  }

  sessionsPage(userId: number, bookId: number, page: number, size: number): { rows: SessionRow[]; total: number } {
    const total = this.s.countSessions.get(userId, bookId) as number;
    const offset = page * size;
    const rows = offset >= total ? [] : (this.s.pageSessions.all(userId, bookId, size, offset) as SessionRow[]);
    return { rows, total };
  }

  allSessions(): SessionRow[] {
    return this.s.allSessions.all() as SessionRow[];
  }

  sessionCount(): number {
    return this.s.sessionCount.get() as number;
  }

  insertToken(jti: string, kind: TokenRow['kind'], userId: number, expiresAtMs: number): void {
    this.s.insertToken.run(jti, kind, userId, expiresAtMs);
  }

  token(jti: string): TokenRow | undefined {
    return this.s.tokenById.get(jti) as TokenRow | undefined;
  }

  revokeToken(jti: string): void {
    this.s.revokeToken.run(jti);
  }

  expireTokens(kind: TokenRow['kind'], nowMs: number): void {
    this.s.expireTokens.run(nowMs - 1, kind);
  }
}
