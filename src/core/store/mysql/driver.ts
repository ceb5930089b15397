/**
 * The MySQL/MariaDB driver: a bounded mysql2 promise pool.
 *
 * - Every connection runs in UTC (`time_zone = '+00:00'`), READ COMMITTED
 *   (no gap locks between chains written concurrently) and with bounded lock
 *   waits, so a held table lock is an error within a minute, not a day.
 * - Statements with parameters go through prepared statements (binary
 *   protocol: doubles arrive as 8 bytes, exact, and decode faster than text).
 * - A transaction that InnoDB picks as a deadlock victim is run again whole.
 * - Every wait on the server is bounded: a connection idle for a while is
 *   pinged (within the connect timeout) before it is used, and a statement
 *   gets `statementTimeoutMs`; a connection that overran is destroyed, never
 *   handed out again with its statement still pending.
 * - A connection that turns out dead (the server killed it, `wait_timeout`,
 *   a network cut) is replaced and the work is tried again when that is safe:
 *   a read, or a transaction that failed before its COMMIT was sent. At most
 *   `LOST_RETRIES` times.
 */
import mysql, {
  type ConnectionOptions,
  type Pool,
  type PoolConnection,
  type PoolOptions,
} from 'mysql2/promise';
import type { Driver, Executor, RunResult, SqlRow, SqlValue, WaitListener } from '../executor.ts';
import type { MysqlProfile } from '../profile.ts';
import { isDeadlock, LOST_CODES } from './errors.ts';

export interface MysqlDriverOptions {
  connectTimeoutMs: number;
  connectionLimit: number;
  /** statements waiting for a pooled connection at most; past it a request is refused at once (STORE_BUSY) */
  queueLimit?: number;
  /** advertise LOAD DATA LOCAL to the server */
  localInfile: boolean;
  /** seconds a statement waits for a table lock (lock_wait_timeout) and a row lock (innodb_lock_wait_timeout) */
  lockWaitSeconds: number;
  /** how long one statement may take before its connection is given up (default 10 min) */
  statementTimeoutMs?: number;
}

const DEADLOCK_RETRIES = 3;
const LOST_RETRIES = 2;
/** A pooled connection unused this long is pinged before it is trusted with a statement. */
const IDLE_CHECK_MS = 2_000;
const DEFAULT_STATEMENT_TIMEOUT_MS = 600_000;
/** Waiting statements beyond this are refused: a flood of requests must not queue without end. */
const DEFAULT_QUEUE_LIMIT = 1_000;
/** how often a transaction with a wait listener asks the server whether its statement waits for a lock */
const WAIT_CHECK_MS = 1_000;

/** The server did not answer in time: the driver gave the connection up (classified as CONNECTION_TIMEOUT). */
export class ServerTimeout extends Error {
  readonly code = 'CATENA_SERVER_TIMEOUT';
  readonly ms: number;
  constructor(what: string, ms: number) {
    super(`the database server did not answer ${what} within ${ms} ms`);
    this.ms = ms;
  }
}

/** A connection that died under a statement (killed, timed out on the server side, network cut). */
export function isLostConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOST_CODES.has(code);
}

/** "waiting for a lock on <table> held by another connection", the table read from the waiting statement. */
export function describeLockWait(statement: string): string {
  const table = /\b(?:INTO\s+TABLE|INTO|UPDATE|FROM)\s+`?([A-Za-z0-9_$]+)`?/i.exec(statement)?.[1];
  return table
    ? `waiting for a lock on ${table} held by another connection`
    : 'waiting for a lock held by another connection';
}

/** Marks a failure of COMMIT itself: the transaction may or may not have committed, so it is never retried. */
class CommitFailed extends Error {
  readonly original: unknown;
  constructor(original: unknown) {
    super('commit failed');
    this.original = original;
  }
}

/** Whether the server still answers: a new connection's handshake within the connect timeout. */
export type Probe = () => Promise<boolean>;

/**
 * `work`, or a ServerTimeout once `ms` have passed, or as soon as a probe
 * finds the server not answering (checked every `probeEveryMs` while the work
 * waits: a slow statement on a live server goes on, a frozen server is
 * noticed within about two connect timeouts). On timeout `onTimeout` runs.
 */
async function bounded<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  onTimeout: () => void,
  watch?: { probe: Probe; everyMs: number },
): Promise<T> {
  const timers: NodeJS.Timeout[] = [];
  const started = Date.now();
  let settled = false;
  const timeout = new Promise<never>((_, reject) => {
    const fail = () => {
      if (settled) return;
      settled = true;
      onTimeout();
      reject(new ServerTimeout(what, Date.now() - started));
    };
    timers.push(setTimeout(fail, ms));
    if (watch) {
      const check = () => {
        void watch.probe().then((alive) => {
          if (settled) return;
          if (!alive) fail();
          else timers.push(setTimeout(check, watch.everyMs));
        });
      };
      timers.push(setTimeout(check, watch.everyMs));
    }
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    settled = true;
    for (const timer of timers) clearTimeout(timer);
  }
}

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
  readonly #timeoutMs: number;
  readonly #watch: { probe: Probe; everyMs: number };
  constructor(connection: PoolConnection, timeoutMs: number, watch: { probe: Probe; everyMs: number }) {
    this.connection = connection;
    this.#timeoutMs = timeoutMs;
    this.#watch = watch;
  }

  /** A statement bounded in time; on overrun the connection is destroyed (its statement may still run on the server). */
  bounded<T>(work: Promise<T>): Promise<T> {
    // A late rejection of the abandoned statement must not surface as unhandled.
    work.catch(() => {});
    return bounded(work, this.#timeoutMs, 'a statement', () => this.connection.destroy(), this.#watch);
  }

  async all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    const [rows] = await this.bounded(this.connection.execute(sql, params as SqlValue[]));
    return rowsOf(rows) as SqlRow[];
  }

  async allArrays(sql: string, params: readonly SqlValue[] = []): Promise<unknown[][]> {
    const [rows] = await this.bounded(
      this.connection.execute({ sql, rowsAsArray: true }, params as SqlValue[]),
    );
    return rowsOf(rows) as unknown[][];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    // Without parameters the text protocol: DDL and named-lock statements cannot all be prepared.
    const [result] = await this.bounded(
      params.length === 0 ? this.connection.query(sql) : this.connection.execute(sql, params as SqlValue[]),
    );
    return runResultOf(result);
  }
}

export class MysqlDriver implements Driver<MysqlConnection> {
  readonly #pool: Pool;
  readonly #initialized = new WeakSet<object>();
  /** when each connection was last given back to the pool */
  readonly #lastUsed = new WeakMap<object, number>();
  readonly #sessionSql: string[];
  readonly #connectTimeoutMs: number;
  readonly #statementTimeoutMs: number;
  readonly #probeConfig: ConnectionOptions;
  #probing: Promise<boolean> | null = null;
  /** when a connection was last found dead: every connection idle since then is pinged before use */
  #lostAt = 0;
  /** whether this account may read INNODB_TRX (row-lock waits); false after the server said it may not */
  #rowLocksVisible = true;

  private constructor(pool: Pool, options: MysqlDriverOptions, probeConfig: ConnectionOptions) {
    this.#pool = pool;
    this.#probeConfig = probeConfig;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
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
      queueLimit: options.queueLimit ?? DEFAULT_QUEUE_LIMIT,
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
    const probe: ConnectionOptions = {
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      connectTimeout: config.connectTimeout,
      ssl: config.ssl,
      flags: config.flags,
    };
    return new MysqlDriver(mysql.createPool(config), options, probe);
  }

  async #acquire(): Promise<MysqlConnection> {
    for (let attempt = 0; ; attempt++) {
      // Not bounded by a timer: a connection that arrived after it would never be released. A new
      // connection is bounded by connectTimeout, the wait for a busy one by the statements ahead and queueLimit.
      const conn = await this.#pool.getConnection().catch((error: unknown) => {
        // mysql2 says so only in words
        if (error instanceof Error && /queue limit reached/i.test(error.message)) {
          throw Object.assign(new Error('every pooled connection is busy and the wait queue is full'), {
            code: 'CATENA_POOL_FULL',
          });
        }
        throw error;
      });
      try {
        await this.#check(conn);
        return new MysqlConnection(conn, this.#statementTimeoutMs, {
          probe: () => this.#probe(),
          everyMs: this.#connectTimeoutMs,
        });
      } catch (error) {
        conn.destroy();
        if (isLostConnection(error)) this.#lostAt = Date.now();
        if (attempt < LOST_RETRIES && isLostConnection(error)) continue;
        throw error;
      }
    }
  }

  /** KILL QUERY from another connection: the statement fails with ER_QUERY_INTERRUPTED, the connection lives on. */
  async #killQuery(threadId: number | null): Promise<void> {
    if (threadId === null) return;
    await this.#pool.query(`KILL QUERY ${Number(threadId)}`).catch(() => {});
  }

  /**
   * Asks the server, every WAIT_CHECK_MS while a transaction runs, whether
   * its connection waits for a lock (a table lock or metadata lock in the
   * process list, a row lock in INNODB_TRX when the account may read it), and
   * tells `onWait` when that starts and ends. A check that fails or finds the
   * pool busy is skipped: this only informs, it never holds the write up.
   */
  #watchLockWait(threadId: number | null, onWait: WaitListener): { stop: () => void } {
    let stopped = false;
    let waiting = false;
    let timer: NodeJS.Timeout | undefined;
    const check = async () => {
      const reason = await this.#lockWaitOf(threadId).catch(() => null);
      if (stopped) return;
      if (reason !== null || waiting) onWait(reason);
      waiting = reason !== null;
      timer = setTimeout(() => void check(), WAIT_CHECK_MS);
      timer.unref();
    };
    if (threadId !== null) {
      timer = setTimeout(() => void check(), WAIT_CHECK_MS);
      timer.unref();
    }
    return {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
        if (waiting) onWait(null);
      },
    };
  }

  /** What the connection's statement waits for, or null when it does not wait for a lock. */
  async #lockWaitOf(threadId: number | null): Promise<string | null> {
    if (threadId === null) return null;
    const id = Number(threadId);
    const rowWait = this.#rowLocksVisible
      ? "(SELECT COUNT(*) FROM information_schema.INNODB_TRX t WHERE t.trx_mysql_thread_id = p.ID AND t.trx_state = 'LOCK WAIT')"
      : '0';
    const sql = `SELECT p.STATE AS state, p.INFO AS info, ${rowWait} AS rowWait FROM information_schema.PROCESSLIST p WHERE p.ID = ?`;
    const ask = this.#pool.query(sql, [id]);
    ask.catch(() => {});
    let rows: unknown;
    try {
      [rows] = await bounded(ask, this.#connectTimeoutMs, 'a lock-wait check', () => {});
    } catch (error) {
      // Without the PROCESS privilege INNODB_TRX cannot be read: table and metadata locks are still seen.
      if ((error as { errno?: number }).errno === 1227 && this.#rowLocksVisible) {
        this.#rowLocksVisible = false;
        return this.#lockWaitOf(threadId);
      }
      throw error;
    }
    const row = rowsOf(rows)[0] as { state?: unknown; info?: unknown; rowWait?: unknown } | undefined;
    if (!row) return null;
    const state = typeof row.state === 'string' ? row.state : '';
    if (!/lock/i.test(state) && Number(row.rowWait) === 0) return null;
    return describeLockWait(typeof row.info === 'string' ? row.info : '');
  }

  /**
   * Whether the server answers a new connection within the connect timeout;
   * one probe at a time, shared by every statement that waits.
   */
  #probe(): Promise<boolean> {
    this.#probing ??= (async () => {
      let conn: mysql.Connection | undefined;
      try {
        conn = await bounded(
          mysql.createConnection(this.#probeConfig),
          this.#connectTimeoutMs,
          'a probe',
          () => {},
        );
        await bounded(conn.ping(), this.#connectTimeoutMs, 'a probe', () => {});
        return true;
      } catch (error) {
        // Refused or reset: the server is up (and restarting); only silence is a frozen server.
        const code = (error as { code?: unknown }).code;
        return !(error instanceof ServerTimeout || code === 'ETIMEDOUT');
      } finally {
        conn?.destroy();
      }
    })().finally(() => {
      this.#probing = null;
    });
    return this.#probing;
  }

  /** A connection that sat idle is pinged first: it may have been closed, or the server may have stopped answering. */
  async #check(conn: PoolConnection): Promise<void> {
    const key = conn.connection;
    const last = this.#lastUsed.get(key);
    // After a server restart every pooled connection is dead: one found dead makes the others suspect.
    if (last !== undefined && (Date.now() - last > IDLE_CHECK_MS || last <= this.#lostAt)) {
      await bounded(conn.ping(), this.#connectTimeoutMs, 'a ping', () => {});
    }
    if (!this.#initialized.has(key)) {
      for (const sql of this.#sessionSql)
        await bounded(conn.query(sql), this.#connectTimeoutMs, 'a session setting', () => {});
      this.#initialized.add(key);
    }
  }

  async session<R>(fn: (exec: MysqlConnection) => Promise<R>): Promise<R> {
    const conn = await this.#acquire();
    try {
      return await fn(conn);
    } catch (error) {
      if (isLostConnection(error)) this.#lostAt = Date.now();
      throw error;
    } finally {
      this.#lastUsed.set(conn.connection.connection, Date.now());
      conn.connection.release();
    }
  }

  /** A read, tried again on a fresh connection when its connection turned out dead (a read can always be repeated). */
  async #read<R>(fn: (exec: MysqlConnection) => Promise<R>): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.session(fn);
      } catch (error) {
        if (attempt < LOST_RETRIES && isLostConnection(error)) continue;
        throw error;
      }
    }
  }

  async transaction<R>(
    fn: (tx: MysqlConnection) => Promise<R>,
    signal?: AbortSignal,
    onWait?: WaitListener,
  ): Promise<R> {
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await this.session(async (conn) => {
          // The operator's cancel reaches the server: the running statement (a lock wait too) is interrupted.
          const interrupt = () => void this.#killQuery(conn.connection.threadId);
          signal?.addEventListener('abort', interrupt, { once: true });
          const watching = onWait ? this.#watchLockWait(conn.connection.threadId, onWait) : null;
          await conn.bounded(conn.connection.beginTransaction());
          try {
            const result = await fn(conn);
            await conn.bounded(conn.connection.commit()).catch((error: unknown) => {
              throw new CommitFailed(error);
            });
            return result;
          } catch (error) {
            if (!(error instanceof CommitFailed)) await conn.connection.rollback().catch(() => {});
            throw signal?.aborted ? signal.reason : error;
          } finally {
            signal?.removeEventListener('abort', interrupt);
            watching?.stop();
          }
        });
      } catch (error) {
        // A failed COMMIT may have committed: never run again, report it as it is.
        if (error instanceof CommitFailed) throw error.original;
        if (attempt < DEADLOCK_RETRIES && isDeadlock(error)) {
          await sleep(20 * (attempt + 1) + Math.random() * 30);
          continue;
        }
        // Lost before COMMIT: the server rolled the transaction back, so running it again is safe.
        if (attempt < LOST_RETRIES && isLostConnection(error)) continue;
        throw error;
      }
    }
  }

  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]> {
    return this.#read((c) => c.all(sql, params));
  }
  allArrays(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]> {
    return this.#read((c) => c.allArrays(sql, params));
  }
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    return this.session((c) => c.run(sql, params));
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
