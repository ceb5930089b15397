/**
 * The MySQL/MariaDB driver: a bounded mysql2 promise pool.
 *
 * - Every connection runs in UTC (`time_zone = '+00:00'`), READ COMMITTED
 *   (no gap locks between chains written concurrently) and with bounded lock
 *   waits, so a held table lock is an error within a minute, not a day.
 * - Statements with parameters go through prepared statements (binary
 *   protocol: doubles arrive as 8 bytes, exact, and decode faster than text).
 * - A transaction that InnoDB picks as a deadlock victim is run again whole.
 */
import mysql, { type Pool, type PoolConnection, type PoolOptions } from 'mysql2/promise';
import type { Driver, Executor, RunResult, SqlRow, SqlValue } from '../executor.ts';
import type { MysqlProfile } from '../profile.ts';
import { isDeadlock } from './errors.ts';

export interface MysqlDriverOptions {
  connectTimeoutMs: number;
  connectionLimit: number;
  /** advertise LOAD DATA LOCAL to the server */
  localInfile: boolean;
  /** seconds a statement waits for a table lock (lock_wait_timeout) and a row lock (innodb_lock_wait_timeout) */
  lockWaitSeconds: number;
}

const DEADLOCK_RETRIES = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function rowsOf(result: unknown): unknown[] {
  return Array.isArray(result) ? result : [];
}

function runResultOf(result: unknown): RunResult {
  const header = (typeof result === 'object' && result !== null ? result : {}) as Record<string, unknown>;
  const id = header.insertId;
  const lastInsertId =
    typeof id === 'number' && id > 0
      ? id
      : typeof id === 'string' && /^[1-9]\d*$/.test(id)
        ? Number(id)
        : null;
  return { changes: typeof header.affectedRows === 'number' ? header.affectedRows : 0, lastInsertId };
}

/** One pooled connection, as the executor of a transaction or a session. */
export class MysqlConnection implements Executor {
  readonly connection: PoolConnection;
  constructor(connection: PoolConnection) {
    this.connection = connection;
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    const [rows] = await this.connection.execute(sql, params as SqlValue[]);
    return rowsOf(rows) as SqlRow[];
  }

  async allArrays(sql: string, params: readonly SqlValue[] = []): Promise<unknown[][]> {
    const [rows] = await this.connection.execute({ sql, rowsAsArray: true }, params as SqlValue[]);
    return rowsOf(rows) as unknown[][];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    // Without parameters the text protocol: DDL and named-lock statements cannot all be prepared.
    const [result] =
      params.length === 0
        ? await this.connection.query(sql)
        : await this.connection.execute(sql, params as SqlValue[]);
    return runResultOf(result);
  }

  async runBatch(sql: string, paramSets: readonly (readonly SqlValue[])[]): Promise<void> {
    for (const params of paramSets) await this.connection.execute(sql, params as SqlValue[]);
  }
}

export class MysqlDriver implements Driver<MysqlConnection> {
  readonly #pool: Pool;
  readonly #initialized = new WeakSet<object>();
  readonly #sessionSql: string[];

  private constructor(pool: Pool, options: MysqlDriverOptions) {
    this.#pool = pool;
    this.#sessionSql = [
      "SET time_zone = '+00:00'",
      'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
      `SET SESSION lock_wait_timeout = ${Math.max(1, Math.round(options.lockWaitSeconds))}`,
      `SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.round(options.lockWaitSeconds))}`,
    ];
  }

  /** Opens the pool; the caller checks it with a first statement. */
  static create(profile: MysqlProfile, options: MysqlDriverOptions): MysqlDriver {
    const config: PoolOptions = {
      host: profile.host,
      port: profile.port,
      user: profile.user,
      password: profile.password,
      database: profile.database,
      connectTimeout: options.connectTimeoutMs,
      connectionLimit: options.connectionLimit,
      maxIdle: options.connectionLimit,
      idleTimeout: 60_000,
      waitForConnections: true,
      queueLimit: 0,
      enableKeepAlive: true,
      keepAliveInitialDelay: 10_000,
      charset: 'UTF8MB4_GENERAL_CI',
      supportBigNumbers: true,
      dateStrings: true,
      timezone: 'Z',
      multipleStatements: false,
      // mysql2 caches prepared statements per connection; bound them on the server too.
      maxPreparedStatements: 256,
    };
    // Changed rows, not matched ones: an upsert that finds its key reports 0, as in every other database.
    config.flags = ['-FOUND_ROWS', ...(options.localInfile ? [] : ['-LOCAL_FILES'])];
    if (profile.tls) config.ssl = profile.tls === true ? {} : { ...profile.tls };
    return new MysqlDriver(mysql.createPool(config), options);
  }

  async #acquire(): Promise<MysqlConnection> {
    const conn = await this.#pool.getConnection();
    try {
      if (!this.#initialized.has(conn.connection)) {
        for (const sql of this.#sessionSql) await conn.query(sql);
        this.#initialized.add(conn.connection);
      }
    } catch (error) {
      conn.release();
      throw error;
    }
    return new MysqlConnection(conn);
  }

  async session<R>(fn: (exec: MysqlConnection) => Promise<R>): Promise<R> {
    const conn = await this.#acquire();
    try {
      return await fn(conn);
    } finally {
      conn.connection.release();
    }
  }

  async transaction<R>(fn: (tx: MysqlConnection) => Promise<R>): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.session(async (conn) => {
          await conn.connection.beginTransaction();
          try {
            const result = await fn(conn);
            await conn.connection.commit();
            return result;
          } catch (error) {
            await conn.connection.rollback().catch(() => {});
            throw error;
          }
        });
      } catch (error) {
        if (attempt < DEADLOCK_RETRIES && isDeadlock(error)) {
          await sleep(20 * (attempt + 1) + Math.random() * 30);
          continue;
        }
        throw error;
      }
    }
  }

  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]> {
    return this.session((c) => c.all(sql, params));
  }
  allArrays(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]> {
    return this.session((c) => c.allArrays(sql, params));
  }
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    return this.session((c) => c.run(sql, params));
  }
  runBatch(sql: string, paramSets: readonly (readonly SqlValue[])[]): Promise<void> {
    return this.session((c) => c.runBatch(sql, paramSets));
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
