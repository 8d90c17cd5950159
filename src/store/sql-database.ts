// The SQL database the queue's store classes are written against (SessionQueue, BookCache,
// SqliteSyncStore, SyncLease, the schema code), so that one implementation serves both runtimes:
//
//   Node      better-sqlite3's Database satisfies this interface as it is (passed unchanged)
//   KOReader  koplugin/src/sqlite.ts implements it over KOReader's lua-ljsqlite3 binding
//
// Only what both runtimes do alike belongs here. Code written against it is compiled to Lua too
// (TypeScriptToLua), so it must not use Node imports, RegExp, Date, JSON, Buffer or `process`
// (test/koplugin-store-purity.test.ts checks that).
import { integerText } from '../core/booklore/integer-text.js';

/** What a statement run changed (better-sqlite3's RunResult). */
export interface SqlRunResult {
  changes: number;
  /** A number in both runtimes as we open databases (better-sqlite3 types it wider: read it with Number()). */
  lastInsertRowid: unknown;
}

/**
 * A prepared statement. Parameters are positional (`?`) or one object of named ones (`@name`);
 * rows come back as objects keyed by column name. Prepare once and reuse: preparing is the costly
 * part in Node.
 */
export interface SqlStatement {
  run(...params: unknown[]): SqlRunResult;
  /** The first row, or undefined. */
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** From now on get/all give the first column's value instead of a row. */
  pluck(toggleState?: boolean): SqlStatement;
}

/** What a transaction may wrap (better-sqlite3's constraint, spelled the same so its types fit). */
export type TransactionFunction = (...params: any[]) => unknown;
export type ArgumentTypes<F extends TransactionFunction> = F extends (...args: infer A) => unknown ? A : never;

/**
 * `fn` wrapped in a transaction: BEGIN (DEFERRED or IMMEDIATE), COMMIT when it returns, ROLLBACK
 * when it throws. Called inside another transaction it runs in a savepoint instead (the mode then
 * does not matter). `fn` must not return a promise.
 */
export interface SqlTransaction<F extends TransactionFunction> {
  deferred(...params: ArgumentTypes<F>): ReturnType<F>;
  /** Takes the write lock first: a concurrent writer waits (busy timeout) instead of failing half-way. */
  immediate(...params: ArgumentTypes<F>): ReturnType<F>;
}

export interface SqlDatabase {
  /** False once closed. */
  readonly open: boolean;
  /** Whether a transaction is open on this connection. */
  readonly inTransaction: boolean;
  prepare(sql: string): SqlStatement;
  transaction<F extends TransactionFunction>(fn: F): SqlTransaction<F>;
  /** One statement without parameters or results (the Lua binding runs exactly one). */
  exec(sql: string): unknown;
  /** `PRAGMA source`; what it returns differs between the runtimes, so use it for settings only. */
  pragma(source: string): unknown;
}

/**
 * Row ids as a JSON array for `json_each(@ids)`, so a batch of 100 is one statement, not 100.
 * The same text as JSON.stringify for whole numbers (row ids are), in Lua too.
 */
export function idsJson(ids: readonly number[]): string {
  return `[${ids.map((id) => integerText(id)).join(',')}]`;
}
