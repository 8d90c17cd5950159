// The SqlDatabase port (src/store/sql-database.ts) over KOReader's lua-ljsqlite3: the shape of
// better-sqlite3 that the store classes of src/store are written against (prepare → run/get/all/
// pluck, transaction(fn).deferred/immediate, inTransaction, exec, pragma), so the plugin runs the
// very same SessionQueue, BookCache, SqliteSyncStore, SyncLease and schema code as the Node tool.
//
// Only the binding's long-standing API is used (open, set_busy_timeout, prepare, reset, clearbind,
// bind1, step, close). Named parameters (@name) are mapped to SQLite's positions here, as SQLite
// numbers them (first appearance), so nothing depends on `bindkv`. Values are normalised both
// ways: booleans bind as 0/1; INTEGER columns, which the binding returns as int64 cdata, come back
// as Lua numbers.
import type { ArgumentTypes, SqlDatabase, SqlStatement, SqlTransaction, TransactionFunction } from '../../src/store/sql-database.js';
import { parameterPositions } from './sql-parameters.js';
import { luaRequire, type Ljsqlite3, type SqliteConnection, type SqliteStatement, type SqliteValue } from './lua-libs.js';

export type Row = Record<string, unknown>;

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}


/** int64 cdata → number; everything else as is. */
function fromSqlite(value: SqliteValue): unknown {
  return (type(value) as string) === 'cdata' ? tonumber(value) : value;
}

function toSqlite(value: unknown): SqliteValue {
  if (value === true) return 1;
  if (value === false) return 0;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'string') return value;
  throw new Error(`cannot store a ${type(value)} in SQLite`);
}

function isNamedParameters(args: unknown[]): boolean {
  if (args.length !== 1) return false;
  const only = args[0];
  return typeof only === 'object' && only !== null && (only as unknown[])[0] === undefined;
}

export class Statement implements SqlStatement {
  private readonly named: Map<string, number>;
  private plucking = false;

  constructor(
    private readonly db: Database,
    private readonly stmt: SqliteStatement,
    readonly sql: string,
  ) {
    this.named = parameterPositions(sql).named;
  }

  private plucked: Statement | null = null;

  /**
   * better-sqlite3's pluck(): get/all return the first column only. The plucking statement is a
   * second object over the same SQLite statement, so the cached unplucked one stays as it was.
   */
  pluck(toggleState = true): Statement {
    if (!toggleState) return this.db.prepare(this.sql);
    if (this.plucking) return this;
    if (this.plucked === null) {
      this.plucked = new Statement(this.db, this.stmt, this.sql);
      this.plucked.plucking = true;
    }
    return this.plucked;
  }

  private bind(args: unknown[]): void {
    this.stmt.reset();
    this.stmt.clearbind();
    if (isNamedParameters(args)) {
      const values = args[0] as Record<string, unknown>;
      for (const [name, index] of this.named) this.stmt.bind1(index, toSqlite(values[name]));
      return;
    }
    for (let i = 0; i < args.length; i++) this.stmt.bind1(i + 1, toSqlite(args[i]));
  }

  private shape(values: SqliteValue[], header: string[]): unknown {
    if (this.plucking) return fromSqlite(values[0]);
    const row: Row = {};
    for (let i = 0; i < header.length; i++) row[header[i]!] = fromSqlite(values[i]);
    return row;
  }

  /** Runs to completion; like better-sqlite3's run(). */
  run(...args: unknown[]): RunResult {
    this.bind(args);
    try {
      while (this.stmt.step() !== undefined) {
        // a statement that returns rows is run for its effect only
      }
    } finally {
      this.stmt.reset();
    }
    return this.db.lastChange();
  }

  /** The first row (or first value, when plucking), or undefined. */
  get(...args: unknown[]): any {
    this.bind(args);
    try {
      const header: string[] = [];
      const values = this.stmt.step(undefined, header);
      return values === undefined ? undefined : this.shape(values, header);
    } finally {
      this.stmt.reset();
    }
  }

  all(...args: unknown[]): any[] {
    this.bind(args);
    const rows: unknown[] = [];
    try {
      const header: string[] = [];
      let values = this.stmt.step(undefined, header);
      while (values !== undefined) {
        rows.push(this.shape(values, header));
        values = this.stmt.step(undefined, header);
      }
    } finally {
      this.stmt.reset();
    }
    return rows;
  }
}

export class Database implements SqlDatabase {
  private readonly statements = new Map<string, Statement>();
  private depth = 0;
  private changesStatement: SqliteStatement | null = null;
  open = true;

  constructor(private readonly conn: SqliteConnection) {}

  static open(path: string, busyTimeoutMs: number, mode: 'ro' | 'rw' | 'rwc' = 'rwc'): Database {
    const sqlite = luaRequire<Ljsqlite3>('lua-ljsqlite3/init');
    const conn = sqlite.open(path, mode);
    conn.set_busy_timeout(busyTimeoutMs);
    return new Database(conn);
  }

  /** A prepared statement, kept for reuse (like the Node adapters' constructor-prepared ones). */
  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = new Statement(this, this.conn.prepare(sql), sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** One statement, run once (no `;`-splitting: the binding's exec would split inside strings). */
  exec(sql: string): void {
    const stmt = this.conn.prepare(sql);
    try {
      while (stmt.step() !== undefined) {
        // PRAGMAs answer with a row
      }
    } finally {
      stmt.close();
    }
  }

  /** `PRAGMA text`, returning its first value (e.g. the journal mode now in force). */
  pragma(text: string): unknown {
    const stmt = this.conn.prepare(`PRAGMA ${text}`);
    try {
      const row = stmt.step();
      return row === undefined ? undefined : fromSqlite(row[0]);
    } finally {
      stmt.close();
    }
  }

  lastChange(): RunResult {
    if (this.changesStatement === null) this.changesStatement = this.conn.prepare('SELECT changes(), last_insert_rowid()');
    const stmt = this.changesStatement;
    stmt.reset();
    try {
      const row = stmt.step();
      return { changes: tonumber(row![0]) ?? 0, lastInsertRowid: tonumber(row![1]) ?? 0 };
    } finally {
      stmt.reset();
    }
  }

  /** Whether a transaction (or a savepoint in one) is open: SQLite is not in autocommit mode. */
  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /**
   * `fn` in a transaction, as better-sqlite3 does it: BEGIN DEFERRED or IMMEDIATE (IMMEDIATE takes
   * the write lock first, so a concurrent writer waits instead of failing half-way), COMMIT, or
   * ROLLBACK when `fn` throws. Inside another transaction, a savepoint instead.
   */
  transaction<F extends TransactionFunction>(fn: F): SqlTransaction<F> {
    return { deferred: this.wrap(fn, 'DEFERRED'), immediate: this.wrap(fn, 'IMMEDIATE') };
  }

  private wrap<F extends TransactionFunction>(fn: F, mode: 'DEFERRED' | 'IMMEDIATE'): (...params: ArgumentTypes<F>) => ReturnType<F> {
    return (...params: ArgumentTypes<F>) => {
      const savepoint = this.begin(mode);
      // pcall with the arguments as they are (a table of them would lose those after a nil)
      const [ok, result] = pcall(fn, undefined, ...params);
      this.end(savepoint, ok);
      if (!ok) throw result;
      return result as ReturnType<F>;
    };
  }

  /** BEGIN, or a savepoint inside a transaction; returns the savepoint's name (null for BEGIN). */
  private begin(mode: 'DEFERRED' | 'IMMEDIATE'): string | null {
    const savepoint = this.depth > 0 ? `bls_savepoint_${this.depth}` : null;
    this.exec(savepoint !== null ? `SAVEPOINT ${savepoint}` : `BEGIN ${mode}`);
    this.depth++;
    return savepoint;
  }

  /** COMMIT (or RELEASE) what begin() opened when `fn` succeeded; otherwise, and when that fails, roll back. */
  private end(savepoint: string | null, succeeded: boolean): void {
    this.depth--;
    const undo = savepoint !== null ? [`ROLLBACK TO ${savepoint}`, `RELEASE ${savepoint}`] : ['ROLLBACK'];
    if (!succeeded) {
      this.undo(undo);
      return;
    }
    try {
      this.exec(savepoint !== null ? `RELEASE ${savepoint}` : 'COMMIT');
    } catch (err) {
      this.undo(undo);
      throw err;
    }
  }

  /** Rolls back after a failure; the transaction may already be gone (SQLite rolls back on some errors). */
  private undo(statements: string[]): void {
    for (const sql of statements) {
      try {
        this.exec(sql);
      } catch {
        // nothing (left) to roll back
      }
    }
  }

  close(): void {
    if (!this.open) return;
    // the binding closes the connection's statements with it
    this.statements.clear();
    this.changesStatement = null;
    this.conn.close();
    this.open = false;
  }
}

/** The binding's error code ("busy", "corrupt", …) from its message "ljsqlite3[code] text". */
export function sqliteErrorCode(err: unknown): string | null {
  if (typeof err !== 'string') return null;
  const [code] = string.match(err, 'ljsqlite3%[(%w+)%]');
  return code === undefined ? null : code;
}
