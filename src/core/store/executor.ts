/**
 * How the shared SQL store talks to a database: an executor runs statements
 * with `?` placeholders, a driver adds connections, transactions and
 * closing. Each dialect brings its own driver (mysql2's pool, node:sqlite
 * in a worker thread); the queries are written once over this interface.
 */

/** A bound parameter value. Identifiers are never parameters; values always are. */
export type SqlValue = string | number | null;

export type SqlRow = Record<string, unknown>;

export interface RunResult {
  /** rows inserted, updated or deleted */
  changes: number;
  /** the auto-increment id of an INSERT, or null */
  lastInsertId: number | null;
}

/**
 * Told when a transaction's statement is kept waiting by someone else (a lock
 * another connection or program holds), with what it waits for, and with
 * null once it goes on: an operator sees "waiting for a lock", not a frozen bar.
 */
export type WaitListener = (reason: string | null) => void;

export interface Executor {
  /** rows as objects keyed by column name or alias */
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** rows as arrays in select order (the hot reads: no per-row object) */
  allArrays(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
}

/**
 * A database connection (or pool) for the store. `T` is the executor a
 * transaction or session hands out: a dialect's bulk path may need more than
 * the plain executor (MySQL's LOAD DATA needs its connection).
 */
export interface Driver<T extends Executor = Executor> extends Executor {
  /**
   * Runs `fn` in one transaction and commits, or rolls back when it throws.
   * When `signal` aborts, the statement running on the server is interrupted
   * (MySQL's KILL QUERY; a wait on a lock included) and the transaction rolls back.
   * Statements of `fn` must go through `tx`: on a single-connection database
   * a statement through the driver itself would wait for the transaction to
   * end, so the driver refuses it at once instead.
   * `onWait` hears when the transaction waits for a lock held elsewhere.
   */
  transaction<R>(fn: (tx: T) => Promise<R>, signal?: AbortSignal, onWait?: WaitListener): Promise<R>;
  /** Several statements on one connection, outside a transaction (DDL, named locks). */
  session<R>(fn: (exec: T) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}
