/**
 * SQLite (node:sqlite): what differs from the shared SQL store. Times are
 * TEXT 'YYYY-MM-DD HH:MM:SS', read as epoch seconds with unixepoch(); the
 * write lock is the whole file, so a transaction (BEGIN IMMEDIATE) is the
 * row lock and the migration lock.
 */
import type { Dialect, DialectSizes, KeyedRows } from '../dialect.ts';
import type { Driver, Executor } from '../executor.ts';
import type { SchemaState } from '../migrations.ts';
import {
  CATENA_SNAPSHOT_DATUMS,
  CATENA_SNAPSHOT_PASSES,
  CATENA_TABLES,
  INPUT_TABLES,
  SCHEMA_MIGRATIONS,
} from '../schema.ts';
import { sqliteDdl } from './ddl.ts';
import type { SqliteExecutor } from './driver.ts';
import { classifySqliteError, isBusy } from './errors.ts';

/** Measured (docs/PERFORMANCE.md): 64 rows per INSERT beat 1, 16 and 256. */
const SIZES: DialectSizes = {
  readRows: 5_000,
  rawWriteRows: 20_000,
  elaboratedWriteRows: 5_000,
  // one writer per file
  writeStreams: 1,
};

export class SqliteDialect implements Dialect<SqliteExecutor> {
  readonly kind = 'sqlite';
  readonly ddl = sqliteDdl;
  readonly sizes = SIZES;
  readonly writeMethod = 'insert-or-replace';
  readonly nowEpoch = 'unixepoch()';
  readonly nowTime = "datetime('now')";
  readonly forUpdate = '';
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  epoch(column: string): string {
    return `unixepoch(${column})`;
  }

  flagBit(mask: number): string {
    return `(flags & ${mask}) <> 0`;
  }

  limit(n: number): number {
    return n;
  }

  upsert(key: readonly string[], update: readonly string[]): string {
    return ` ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${update.map((c) => `${c} = excluded.${c}`).join(', ')}`;
  }

  insertIgnore(key: readonly string[]): string {
    return ` ON CONFLICT (${key.join(', ')}) DO NOTHING`;
  }

  /** INSERT OR REPLACE, bound and run in the worker thread (driver.ts, worker.ts). */
  writeRows(tx: SqliteExecutor, rows: KeyedRows): Promise<void> {
    return tx.writeKeyed(rows);
  }

  async inspect(exec: Executor): Promise<SchemaState['tables']> {
    const tables: SchemaState['tables'] = new Map();
    const names = new Set(
      [
        ...INPUT_TABLES,
        ...CATENA_TABLES,
        SCHEMA_MIGRATIONS,
        CATENA_SNAPSHOT_PASSES,
        CATENA_SNAPSHOT_DATUMS,
      ].map((t) => t.name.toLowerCase()),
    );
    for (const [tableName] of await exec.allArrays("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      const name = String(tableName);
      if (!names.has(name.toLowerCase())) continue;
      const lower = (rows: unknown[][]) => new Set(rows.map((r) => String(r[0]).toLowerCase()));
      tables.set(name.toLowerCase(), {
        columns: lower(await exec.allArrays('SELECT name FROM pragma_table_info(?)', [name])),
        indexes: lower(await exec.allArrays('SELECT name FROM pragma_index_list(?)', [name])),
      });
    }
    return tables;
  }

  /** DDL is transactional in SQLite: the migration is one BEGIN IMMEDIATE transaction. */
  migrating<R>(driver: Driver<SqliteExecutor>, fn: (exec: SqliteExecutor) => Promise<R>): Promise<R> {
    return driver.transaction(fn);
  }

  classify(error: unknown, doing: string) {
    return classifySqliteError(error, this.#path, doing);
  }

  isTransient(error: unknown): boolean {
    return isBusy(error);
  }
}
