/**
 * MySQL 8 / MariaDB 10.6+: what differs from the shared SQL store. Times are
 * read as epoch seconds with TIMESTAMPDIFF from 1970, which does not depend
 * on any time zone; bulk writes go through LOAD DATA LOCAL (bulk.ts), with
 * prepared multi-row INSERT as the fallback where the server refuses it.
 */
import type { Dialect, DialectSizes, KeyedRows } from '../dialect.ts';
import type { Driver } from '../executor.ts';
import type { SchemaState } from '../migrations.ts';
import {
  CATENA_SNAPSHOT_DATUMS,
  CATENA_SNAPSHOT_PASSES,
  CATENA_TABLES,
  INPUT_TABLES,
  SCHEMA_MIGRATIONS,
} from '../schema.ts';
import { placeholders } from '../sql.ts';
import { type BulkMethod, upsertRows } from './bulk.ts';
import { mysqlDdl } from './ddl.ts';
import type { MysqlConnection } from './driver.ts';
import {
  classifyMysqlError,
  driverFields,
  isLocalInfileRefused,
  LOST_CODES,
  LOST_ERRNOS,
  type MysqlContext,
} from './errors.ts';

/** Measured (docs/PERFORMANCE.md): small reads keep each synchronous parse short; big raw loads commit rarely. */
const SIZES: DialectSizes = {
  readRows: 5_000,
  rawWriteRows: 100_000,
  elaboratedWriteRows: 10_000,
  // the floor of npm run bench:elaborate: 2 LOAD DATA streams beat 1 and 4 (docs/PERFORMANCE.md)
  writeStreams: 2,
};

/** Worth trying again: deadlock, lock wait timeout, connection lost or refused, a server going read-only in a failover. */
const TRANSIENT_ERRNOS = new Set([1205, 1213, 1290, 1836, 1040]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'CATENA_SERVER_TIMEOUT',
  'CATENA_POOL_FULL',
]);

const MIGRATION_LOCK_SECONDS = 60;

export class MysqlDialect implements Dialect<MysqlConnection> {
  readonly kind = 'mysql';
  readonly ddl = mysqlDdl;
  readonly sizes = SIZES;
  readonly nowEpoch = 'UNIX_TIMESTAMP()';
  readonly nowTime = 'UTC_TIMESTAMP()';
  readonly forUpdate = ' FOR UPDATE';
  readonly #ctx: MysqlContext;
  #bulkMethod: BulkMethod;

  constructor(ctx: MysqlContext, bulkMethod: BulkMethod) {
    this.#ctx = ctx;
    this.#bulkMethod = bulkMethod;
  }

  /** The bulk write method in use (for benchmarks and tests). */
  get writeMethod(): BulkMethod {
    return this.#bulkMethod;
  }

  epoch(column: string): string {
    return `TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', ${column})`;
  }

  flagBit(mask: number): string {
    // & binds tighter than <> in MySQL
    return `flags & ${mask} <> 0`;
  }

  limit(n: number): string {
    // A string: MySQL 8 refuses a DOUBLE-typed LIMIT parameter.
    return String(n);
  }

  upsert(_key: readonly string[], update: readonly string[]): string {
    return ` ON DUPLICATE KEY UPDATE ${update.map((c) => `${c} = VALUES(${c})`).join(', ')}`;
  }

  insertIgnore(key: readonly string[]): string {
    // A no-op update: unlike INSERT IGNORE it does not turn other errors into warnings.
    return ` ON DUPLICATE KEY UPDATE ${key[0]} = ${key[0]}`;
  }

  /** LOAD DATA, falling back to INSERT for good when the server refuses LOAD DATA LOCAL. */
  async writeRows(tx: MysqlConnection, rows: KeyedRows): Promise<void> {
    if (this.#bulkMethod === 'load-data') {
      try {
        await tx.bounded(upsertRows(tx.connection, 'load-data', rows));
        return;
      } catch (error) {
        if (!isLocalInfileRefused(error)) throw error;
        this.#bulkMethod = 'insert';
      }
    }
    await tx.bounded(upsertRows(tx.connection, 'insert', rows));
  }

  async inspect(exec: MysqlConnection): Promise<SchemaState['tables']> {
    const names = [
      ...INPUT_TABLES,
      ...CATENA_TABLES,
      SCHEMA_MIGRATIONS,
      CATENA_SNAPSHOT_PASSES,
      CATENA_SNAPSHOT_DATUMS,
    ].map((t) => t.name);
    const list = placeholders(names.length);
    const tables: SchemaState['tables'] = new Map();
    const tableOf = (name: unknown) => {
      const key = String(name).toLowerCase();
      let table = tables.get(key);
      if (!table) {
        table = { columns: new Set(), indexes: new Set() };
        tables.set(key, table);
      }
      return table;
    };
    const columns = await exec.allArrays(
      `SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${list})`,
      names,
    );
    for (const [table, column] of columns) tableOf(table).columns.add(String(column).toLowerCase());
    const indexes = await exec.allArrays(
      `SELECT DISTINCT TABLE_NAME, INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${list})`,
      names,
    );
    for (const [table, index] of indexes) tableOf(table).indexes.add(String(index).toLowerCase());
    return tables;
  }

  /** A named lock (GET_LOCK) scoped to the database, held on one connection while DDL runs (DDL commits by itself). */
  migrating<R>(driver: Driver<MysqlConnection>, fn: (exec: MysqlConnection) => Promise<R>): Promise<R> {
    return driver.session(async (exec) => {
      const [got] = await exec.allArrays("SELECT GET_LOCK(CONCAT('catena_migrate:', DATABASE()), ?)", [
        MIGRATION_LOCK_SECONDS,
      ]);
      if (Number(got?.[0]) !== 1) {
        throw Object.assign(new Error('migration lock not granted'), { code: 'CATENA_MIGRATION_BUSY' });
      }
      try {
        return await fn(exec);
      } finally {
        await exec.run("SELECT RELEASE_LOCK(CONCAT('catena_migrate:', DATABASE()))").catch(() => {});
      }
    });
  }

  classify(error: unknown, doing: string) {
    return classifyMysqlError(error, this.#ctx, doing);
  }

  isTransient(error: unknown): boolean {
    const fields = driverFields(error);
    if (!fields) return false;
    return (
      TRANSIENT_ERRNOS.has(fields.errno) ||
      TRANSIENT_CODES.has(fields.code) ||
      LOST_CODES.has(fields.code) ||
      LOST_ERRNOS.has(fields.errno)
    );
  }
}
