// The one port the application layer runs on. Everything the use cases need from the runtime they
// run in (Node: src/node/node-runtime.ts; KOReader: koplugin/src/koreader-runtime.ts) comes
// through here, so recording, syncing, testing the connection, inspecting the queue and importing
// KOReader's statistics are written once and compiled to Lua unchanged.
import type { AnswerShapes } from '../core/booklore/answer-shapes.js';
import type { ClientWording } from '../core/booklore/client-wording.js';
import type { HttpPort } from '../core/booklore/http-port.js';
import type { JsonPort } from '../core/booklore/json-port.js';
import type { SqlDatabase } from '../store/sql-database.js';
import type { LeaseEnvironment } from '../store/sync-lease.js';
import type { AppSettings, SettingsPort } from './app-settings.js';

/** A connection the application opened and must close. */
export interface OwnedDatabase extends SqlDatabase {
  close(): unknown;
}

/** SQLite and file-system failures, sorted by what the user can do about them. */
export type StorageFailureKind = 'busy' | 'corrupt' | 'schema' | 'readonly' | 'cantopen' | 'full' | 'ioerr' | 'other';

export interface StorageFailure {
  kind: StorageFailureKind;
  /** The driver's own code or text, for the message. */
  detail: string;
}

export interface SqliteDriver {
  /** Opens (creating, owner-only) a database file for reading and writing; throws the driver's error. */
  open(path: string, busyTimeoutMs: number): OwnedDatabase;
  /** Opens an existing file without ever writing to it. */
  openReadOnly(path: string, busyTimeoutMs: number): OwnedDatabase;
  exists(path: string): boolean;
  /** What kind of storage failure `err` is, or null when it is not one (a logic error, a bug). */
  failure(err: unknown): StorageFailure | null;
  /** WAL where the file system allows it (KOReader: Device:canUseWAL()); else a rollback journal. */
  readonly wal: boolean;
  /** How long to wait for another process's lock before giving up with a clear message. */
  readonly busyTimeoutMs: number;
}

/** A private copy of KOReader's statistics file, open read-only; discard() closes and removes it. */
export interface StatisticsSnapshot {
  readonly db: SqlDatabase;
  discard(): void;
}

export type FingerprintResult = { ok: true; hash: string } | { ok: false; problem: string };

/** The few sentences that name a runtime's own way of doing things (a command line, a menu). */
export interface AppWording extends ClientWording {
  /** No server is set up yet. */
  notConfigured: string;
  /** Neither a BookLore nor a KOReader account is set up. */
  noLogin: string;
  /** Appended to "move it aside": where else the user can keep the queue. */
  orElsewhere: string;
  /** Appended to "move it aside" for a damaged queue: keep a copy, and how sessions may be recovered. */
  keepACopy: string;
  /** Appended to the lock message: how the wait can be changed, or ''. */
  lockWaitHint: string;
  /** A server without hash lookup: how the user attaches a book id by hand. */
  attachByHand: string;
  /** Add a BookLore account for exactly-once uploads. */
  addBookLoreAccount: string;
  /** Where the statistics snapshot is kept, when that place is full. */
  snapshotSpace: string;
}

export interface HttpSettings {
  timeoutSeconds: number;
  insecureTls: boolean;
}

export interface Runtime {
  readonly sqlite: SqliteDriver;
  http(settings: HttpSettings): HttpPort;
  readonly json: JsonPort;
  readonly shapes: AnswerShapes;
  readonly wording: AppWording;
  /** Wall clock, milliseconds since the epoch; the engine's clock is its whole seconds. */
  nowMs(): number;
  /** Uniform in [0, 1): backoff jitter, lease tags. */
  random(): number;
  /** KOReader's partial MD5 of a book file. */
  fingerprint(path: string): FingerprintResult;
  /** A file's size in bytes, or null when it cannot be read. */
  fileSize(path: string): number | null;
  /** MD5 (hex) of bytes held one per character (the fingerprint of a server's book file). */
  md5Hex(bytes: string): string;
  readonly lease: LeaseEnvironment;
  readonly settings: SettingsPort;
  /**
   * A private, consistent copy of KOReader's statistics file, opened without ever writing to the
   * user's file; throws a UserFacingError (exit 2) for a file that is plainly not SQLite.
   */
  snapshotStatistics(path: string): StatisticsSnapshot;
  /** A warning the user must see (e.g. TLS checks off); not for secrets. */
  warn(message: string): void;
}

/** Timing the use cases take as options (tests shorten them; nothing reads the environment here). */
export interface AppTiming {
  /** How long after an unanswered request it may still be stored; default twice the request timeout. */
  reconcileGraceSeconds?: number;
  /** The first backoff step after a server error (X4). */
  backoffBaseSeconds?: number;
  /** Books uploaded at once. */
  concurrency?: number;
  /** Requests this runtime can have in flight at once (KOReader: one; each completes before the next). */
  requestsInFlight?: number;
}

/** What every use case gets: the runtime, where the queue lives, and the timing options. */
export interface AppContext {
  readonly runtime: Runtime;
  readonly databasePath: string;
  readonly timing: AppTiming;
}

export function nowSeconds(runtime: Runtime): number {
  return Math.floor(runtime.nowMs() / 1000);
}

export type { AppSettings };
