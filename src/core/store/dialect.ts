/**
 * What differs between databases, and nothing else: the SQL store
 * (sql-store.ts and queries/) writes every query once and asks its dialect
 * for the few pieces that are not portable. Adding a database (PostgreSQL,
 * say) is one dialect and one driver: see src/core/store/README.md.
 */
import type { ChainKey } from '../domain/chain.ts';
import type { CatenaError } from '../errors.ts';
import type { Driver, Executor, SqlValue } from './executor.ts';
import type { SchemaState } from './migrations.ts';
import type { StoreSizes } from './port.ts';
import type { Ddl } from './schema.ts';

/**
 * Rows of one chain for a bulk write, in columns: the key, `timestamp` and
 * `nodeIndex`, then the double `values` (NaN = NULL), then the integer
 * `tail` columns (one array per column, or one number for every row).
 */
export interface KeyedRows {
  table: 'raw_rsn_data' | 'elaborated_rsn_data';
  key: ChainKey;
  /** every column in write order */
  columns: readonly string[];
  timestamp: Float64Array;
  nodeIndex: Int32Array;
  values: readonly Float64Array[];
  tail: readonly (Int32Array | number)[];
  /** rows [start, end) are written */
  start: number;
  end: number;
}

/** Batch sizes measured for each database (docs/PERFORMANCE.md). */
export type DialectSizes = StoreSizes;

export interface Dialect<T extends Executor = Executor> {
  readonly kind: 'mysql' | 'sqlite';
  readonly ddl: Ddl;
  readonly sizes: DialectSizes;
  /** the bulk write path in use (MySQL falls back from load-data to insert when the server refuses it) */
  readonly writeMethod: string;

  /** SQL: a stored DATETIME as epoch seconds (NULL stays NULL) */
  epoch(column: string): string;
  /** SQL: the database's clock, in epoch seconds (every workstation agrees on it) */
  readonly nowEpoch: string;
  /** SQL: the database's clock as a stored DATETIME (UTC) */
  readonly nowTime: string;
  /** SQL: 1 when bit `mask` of `flags` is set, else 0 (operator precedence differs) */
  flagBit(mask: number): string;
  /** the LIMIT parameter as the driver binds it */
  limit(n: number): SqlValue;
  /** appended to a SELECT inside a transaction to lock the rows it reads (empty where the database locks whole) */
  readonly forUpdate: string;
  /** the clause that turns `INSERT … VALUES …` into an upsert on `key`, updating `update` */
  upsert(key: readonly string[], update: readonly string[]): string;
  /** the clause that turns `INSERT … VALUES …` into "insert unless the key exists" */
  insertIgnore(key: readonly string[]): string;

  /** Bulk upsert of rows inside the caller's transaction: the hot write path. */
  writeRows(tx: T, rows: KeyedRows): Promise<void>;

  /** Catena's tables with their columns and indexes, as the database reports them. */
  inspect(exec: T): Promise<SchemaState['tables']>;
  /** Runs `fn` holding the database-wide migration lock, so two workstations never migrate at once. */
  migrating<R>(driver: Driver<T>, fn: (exec: T) => Promise<R>): Promise<R>;

  /** The CatenaError for a driver failure while `doing` (a gerund: "reading …"), or null for a bug. */
  classify(error: unknown, doing: string): CatenaError | null;
  /** A failure that may pass if the same work is tried again (deadlock, lost connection, busy). */
  isTransient(error: unknown): boolean;
}
