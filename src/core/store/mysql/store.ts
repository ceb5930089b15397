/**
 * The store on MySQL 8 / MariaDB 10.6+ through a bounded mysql2 promise pool.
 *
 * - Every connection runs in UTC (`time_zone = '+00:00'`) and READ COMMITTED
 *   (no gap locks between chains written concurrently); times are read as
 *   epoch seconds with `TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', t)`,
 *   which does not depend on any time zone, and written as
 *   'YYYY-MM-DD HH:MM:SS' text.
 * - Reads go through prepared statements (binary protocol): doubles arrive
 *   as 8 bytes, exact and 2–4× faster to decode than text.
 * - readRaw pages with keyset pagination (chunking.ts) and holds no
 *   connection between chunks; writes are one transaction per call, retried
 *   on deadlock; bulk rows go through bulk.ts.
 * - Any failure the operator can act on becomes a CatenaError (errors.ts).
 */

import { createHash } from 'node:crypto';
import mysql, {
  type Connection,
  type ConnectionOptions,
  type Pool,
  type PoolConnection,
  type PoolOptions,
} from 'mysql2/promise';
import { z } from 'zod';
import type { AlarmEvent } from '../../domain/alarms.ts';
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import type { ElaboratedColumns, RawColumns } from '../../domain/columns.ts';
import type { ChainSetup, NodeRow, StationRow, ThresholdRow } from '../../domain/configuration.ts';
import { CatenaError } from '../../errors.ts';
import { formatDbTime } from '../../time.ts';
import { readRawChunks } from '../chunking.ts';
import {
  checkElaboratedColumns,
  checkRawColumns,
  elaboratedFromRows,
  lowerBound,
  MAX_EPOCH,
  MIN_EPOCH,
  nowEpoch,
  upperBound,
} from '../columns.ts';
import { checkChunkEvents, type EventRow, planEventReplacement } from '../events.ts';
import {
  type CatenaStore,
  planMigrations,
  type SchemaProblems,
  type SchemaState,
  schemaProblems,
} from '../migrations.ts';
import type {
  ChainLock,
  ChainSummary,
  FlagCountQuery,
  NodeFlagCounts,
  RawSpan,
  ReadRawOptions,
  RunEnd,
  RunRecord,
  RunStart,
  SeriesQuery,
  StoredAlarmEvent,
  StoreInfo,
  WriteChunk,
  WriteResult,
} from '../port.ts';
import { type MysqlProfile, redact } from '../profile.ts';
import {
  CHAIN_TABLES,
  checkConfigKeys,
  checkReferenceTime,
  elaboratedQuery,
  eventParams,
  eventsQuery,
  flagCountsQuery,
  nodeParams,
  runEndParams,
  runFilter,
  runStartParams,
  stationParams,
  summarize,
} from '../queries.ts';
import {
  chainStatsSchema,
  eventSchema,
  flagCountsSchema,
  lastSchema,
  NODE_COLUMNS,
  NODE_SELECT,
  nodeCountSchema,
  nodeSchema,
  parseRows,
  RUN_COUNT_COLUMNS,
  runSchema,
  runSelect,
  STATION_COLUMNS,
  singleNumberSchema,
  stationListSchema,
  stationSchema,
  stationSelect,
  THRESHOLD_SELECT,
  thresholdSchema,
} from '../rows.ts';
import { CATENA_TABLES, INPUT_TABLES, SCHEMA_MIGRATIONS } from '../schema.ts';
import { clampLimit, inList, placeholders, type SqlValue } from '../sql.ts';
import { type BulkMethod, upsertElaborated, upsertRaw } from './bulk.ts';
import { mysqlDdl } from './ddl.ts';
import { classifyMysqlError, isDeadlock, isLocalInfileRefused, type MysqlContext } from './errors.ts';

export interface MysqlStoreOptions {
  connectTimeoutMs: number;
  /** pool size (connections opened at most) */
  connectionLimit: number;
  /** `auto`: LOAD DATA LOCAL when the server allows it, else multi-row INSERT */
  bulkMethod: 'auto' | BulkMethod;
  /**
   * Advertise LOAD DATA LOCAL to the server (default: unless bulkMethod is
   * `insert`). When false, a LOAD DATA attempt is refused by the server and
   * the store falls back to INSERT for good.
   */
  localInfile?: boolean;
}

/** flagCounts: 1 when bit `mask` of flags is set (MySQL: & binds tighter than <> precedence). */
const flagBit = (mask: number): string => `flags & ${mask} <> 0`;

const epoch = (column: string): string => `TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', ${column})`;

/** Rows per readRaw chunk by default: ~50k rows ≈ 2.8 MB of columns, one round trip. */
const DEFAULT_CHUNK_ROWS = 50_000;
/** Raw rows per transaction in writeRaw (a 2 M-row load is many bounded transactions). */
const RAW_WRITE_BATCH = 100_000;
const DEADLOCK_RETRIES = 3;

const RAW_SELECT =
  `SELECT ${epoch('timestamp')}, nodeIndex, rawX, rawY, rawZ, rawT, errorCode FROM raw_rsn_data ` +
  'WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp, nodeIndex';

const existingEventSchema = z.object({
  metric: z.string(),
  timestamp: z.number(),
  createdAt: z.number(),
  notifiedAt: z.number().nullable(),
});

function arrayOf(result: unknown): unknown[] {
  return Array.isArray(result) ? result : [];
}

function insertIdOf(result: unknown): number {
  const id =
    typeof result === 'object' && result !== null ? (result as Record<string, unknown>).insertId : null;
  if (typeof id === 'number') return id;
  if (typeof id === 'string' && /^\d+$/.test(id)) return Number(id);
  throw new CatenaError('STORE_ERROR', 'The database did not return the id of the new run.');
}

/** Lock names are server-wide and at most 64 characters: scope by database, then hash. */
function chainLockName(database: string, key: ChainKey): string {
  const digest = createHash('sha1')
    .update(`${database}\u0000${key.controlUnitCode}\u0000${key.chain}`)
    .digest('hex');
  return `catena:${digest}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class MysqlStore implements CatenaStore {
  readonly info: StoreInfo;
  private readonly pool: Pool;
  private readonly ctx: MysqlContext;
  private readonly initialized = new WeakSet<object>();
  private bulkMethod: BulkMethod;
  /** connection settings for the dedicated connections that hold chain locks */
  private lockConfig: ConnectionOptions = {};

  private constructor(pool: Pool, ctx: MysqlContext, info: StoreInfo, bulkMethod: BulkMethod) {
    this.pool = pool;
    this.ctx = ctx;
    this.info = info;
    this.bulkMethod = bulkMethod;
  }

  /** Opens the pool and one connection to check that the server accepts us; CatenaError when not. */
  static async connect(profile: MysqlProfile, options: MysqlStoreOptions): Promise<MysqlStore> {
    const ctx: MysqlContext = {
      host: profile.host,
      port: profile.port,
      user: profile.user,
      database: profile.database,
      connectTimeoutMs: options.connectTimeoutMs,
    };
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
      charset: 'UTF8MB4_GENERAL_CI',
      supportBigNumbers: true,
      dateStrings: true,
      timezone: 'Z',
      multipleStatements: false,
      // mysql2 caches prepared statements per connection; bound them on the server too.
      maxPreparedStatements: 256,
    };
    if (!(options.localInfile ?? options.bulkMethod !== 'insert')) config.flags = ['-LOCAL_FILES'];
    if (profile.tls) {
      config.ssl = profile.tls === true ? {} : { ...profile.tls };
    }
    const pool = mysql.createPool(config);
    let conn: PoolConnection | undefined;
    try {
      conn = await pool.getConnection();
      const [rows] = await conn.query({
        sql: 'SELECT VERSION(), @@local_infile',
        rowsAsArray: true,
      });
      const first = arrayOf(rows)[0];
      const [version, localInfile] = Array.isArray(first) ? first : [];
      const bulkMethod: BulkMethod =
        options.bulkMethod !== 'auto'
          ? options.bulkMethod
          : Number(localInfile) === 1
            ? 'load-data'
            : 'insert';
      const info: StoreInfo = {
        kind: 'mysql',
        location: redact(profile),
        serverVersion: String(version ?? ''),
      };
      const store = new MysqlStore(pool, ctx, info, bulkMethod);
      store.lockConfig = {
        host: config.host,
        port: config.port,
        user: config.user,
        password: config.password,
        database: config.database,
        connectTimeout: config.connectTimeout,
        charset: config.charset,
        ssl: config.ssl,
        enableKeepAlive: true,
      };
      await store.initSession(conn);
      return store;
    } catch (error) {
      await pool.end().catch(() => {});
      throw classifyMysqlError(error, ctx, 'connecting') ?? error;
    } finally {
      conn?.release();
    }
  }

  /** The bulk write method in use (for benchmarks and tests). */
  get writeMethod(): BulkMethod {
    return this.bulkMethod;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * GET_LOCK on a dedicated connection (not the pool's: a lane holding a
   * pooled connection for a whole run could starve the pool). The server
   * releases the lock by itself when that connection ends, so a workstation
   * that dies never leaves a chain locked.
   */
  async lockChain(key: ChainKey): Promise<ChainLock | null> {
    let conn: Connection | undefined;
    try {
      conn = await mysql.createConnection(this.lockConfig);
      conn.on('error', () => {}); // a lost lock connection only frees the lock
      const [rows] = await conn.query({
        sql: 'SELECT GET_LOCK(?, 0)',
        values: [chainLockName(this.ctx.database, key)],
        rowsAsArray: true,
      });
      const first = arrayOf(rows)[0];
      if (!(Array.isArray(first) && Number(first[0]) === 1)) {
        await conn.end().catch(() => {});
        return null;
      }
      const held = conn;
      return {
        release: async () => {
          await held.end().catch(() => held.destroy());
        },
      };
    } catch (error) {
      conn?.destroy();
      throw this.fail(error, 'taking the chain lock');
    }
  }

  // --- connections

  private async initSession(conn: PoolConnection): Promise<void> {
    if (this.initialized.has(conn.connection)) return;
    await conn.query("SET time_zone = '+00:00'");
    await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    this.initialized.add(conn.connection);
  }

  private fail(error: unknown, doing: string): unknown {
    return classifyMysqlError(error, this.ctx, doing) ?? error;
  }

  /** Runs `fn` on a pooled connection; failures become CatenaErrors where the operator can act. */
  private async withConn<T>(doing: string, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    let conn: PoolConnection;
    try {
      conn = await this.pool.getConnection();
    } catch (error) {
      throw this.fail(error, doing);
    }
    try {
      await this.initSession(conn);
      return await fn(conn);
    } catch (error) {
      throw this.fail(error, doing);
    } finally {
      conn.release();
    }
  }

  /** One transaction; run again (whole) when InnoDB picks it as a deadlock victim. */
  private async tx<T>(doing: string, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.withConn(doing, async (conn) => {
          await conn.beginTransaction();
          try {
            const result = await fn(conn);
            await conn.commit();
            return result;
          } catch (error) {
            await conn.rollback().catch(() => {});
            throw error;
          }
        });
      } catch (error) {
        const cause = error instanceof CatenaError ? error.cause : error;
        if (attempt < DEADLOCK_RETRIES && isDeadlock(cause)) {
          await sleep(20 * (attempt + 1) + Math.random() * 30);
          continue;
        }
        throw error;
      }
    }
  }

  private async select(conn: PoolConnection, sql: string, params: SqlValue[]): Promise<unknown[]> {
    const [rows] = await conn.execute(sql, params);
    return arrayOf(rows);
  }

  private async selectArrays(conn: PoolConnection, sql: string, params: SqlValue[]): Promise<unknown[]> {
    const [rows] = await conn.execute({ sql, rowsAsArray: true }, params);
    return arrayOf(rows);
  }

  // --- schema

  private async inspect(conn: PoolConnection): Promise<SchemaState> {
    const names = [...INPUT_TABLES, ...CATENA_TABLES, SCHEMA_MIGRATIONS].map((t) => t.name);
    const list = placeholders(names.length);
    const columns = await this.selectArrays(
      conn,
      `SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${list})`,
      names,
    );
    const indexes = await this.selectArrays(
      conn,
      `SELECT DISTINCT TABLE_NAME, INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${list})`,
      names,
    );
    const tables: SchemaState['tables'] = new Map();
    const tableOf = (name: string) => {
      let table = tables.get(name.toLowerCase());
      if (!table) {
        table = { columns: new Set(), indexes: new Set() };
        tables.set(name.toLowerCase(), table);
      }
      return table;
    };
    for (const row of columns) {
      const [table, column] = row as unknown[];
      tableOf(String(table)).columns.add(String(column).toLowerCase());
    }
    for (const row of indexes) {
      const [table, index] = row as unknown[];
      tableOf(String(table)).indexes.add(String(index).toLowerCase());
    }
    const appliedVersions = new Set<number>();
    if (tables.has(SCHEMA_MIGRATIONS.name)) {
      for (const row of await this.selectArrays(conn, 'SELECT version FROM catena_schema_migrations', [])) {
        appliedVersions.add(Number((row as unknown[])[0]));
      }
    }
    return { tables, appliedVersions };
  }

  async migrate(): Promise<string[]> {
    return this.withConn('migrating the database (catena migrate)', async (conn) => {
      const [locked] = await conn.query({
        sql: "SELECT GET_LOCK(CONCAT('catena_migrate:', DATABASE()), 60)",
        rowsAsArray: true,
      });
      const got = arrayOf(locked)[0];
      if (!Array.isArray(got) || Number(got[0]) !== 1) {
        throw new CatenaError(
          'STORE_ERROR',
          'Another Catena is migrating this database and has not finished within 60 s; run again later.',
        );
      }
      try {
        const state = await this.inspect(conn);
        if (!state.tables.has(SCHEMA_MIGRATIONS.name)) {
          for (const sql of mysqlDdl.createTable(SCHEMA_MIGRATIONS)) await conn.query(sql);
        }
        const applied: string[] = [];
        for (const migration of planMigrations(state, mysqlDdl)) {
          for (const sql of migration.statements) await conn.query(sql);
          await conn.execute(
            'INSERT INTO catena_schema_migrations (version, name, appliedAt) VALUES (?, ?, ?) ' +
              'ON DUPLICATE KEY UPDATE name = VALUES(name)',
            [migration.version, migration.name, formatDbTime(nowEpoch())],
          );
          applied.push(migration.repair ? `${migration.name} (repaired)` : migration.name);
        }
        return applied;
      } finally {
        await conn.query("SELECT RELEASE_LOCK(CONCAT('catena_migrate:', DATABASE()))").catch(() => {});
      }
    });
  }

  async schemaStatus(): Promise<SchemaProblems> {
    return this.withConn('checking the database tables', async (conn) => {
      const state = await this.inspect(conn);
      return schemaProblems(state.tables.keys(), state.appliedVersions);
    });
  }

  // --- reading the inputs

  async listChains(): Promise<ChainSummary[]> {
    const doing = 'listing the chains';
    const [stations, nodes, raw, elaborated] = await Promise.all([
      this.withConn(doing, (c) =>
        this.select(
          c,
          'SELECT controlUnitCode, chain, siteName, active, fixedEnd FROM active_stations ORDER BY controlUnitCode, chain',
          [],
        ),
      ),
      this.withConn(doing, (c) =>
        this.select(
          c,
          'SELECT controlUnitCode, chain, COUNT(*) AS n, COUNT(CASE WHEN enabled IS NULL OR enabled <> 0 THEN 1 END) AS enabled ' +
            'FROM rsn_nodes GROUP BY controlUnitCode, chain',
          [],
        ),
      ),
      this.withConn(doing, (c) =>
        this.select(
          c,
          `SELECT controlUnitCode, chain, COUNT(*) AS n, ${epoch('MIN(timestamp)')} AS first, ${epoch('MAX(timestamp)')} AS last ` +
            'FROM raw_rsn_data GROUP BY controlUnitCode, chain',
          [],
        ),
      ),
      this.withConn(doing, (c) =>
        this.select(
          c,
          `SELECT controlUnitCode, chain, ${epoch('MAX(timestamp)')} AS last FROM elaborated_rsn_data GROUP BY controlUnitCode, chain`,
          [],
        ),
      ),
    ]);
    return summarize(
      parseRows(stationListSchema, stations, 'active_stations'),
      parseRows(nodeCountSchema, nodes, 'rsn_nodes'),
      parseRows(chainStatsSchema, raw, 'raw_rsn_data'),
      parseRows(lastSchema, elaborated, 'elaborated_rsn_data'),
    );
  }

  async readChainSetup(key: ChainKey): Promise<ChainSetup | null> {
    return this.withConn(`reading the configuration of chain ${chainLabel(key)}`, async (c) => {
      const params = [key.controlUnitCode, key.chain];
      const stations = parseRows(
        stationSchema,
        await this.select(
          c,
          `SELECT ${stationSelect(epoch)}, referenceTime AS referenceTimeText FROM active_stations ` +
            'WHERE controlUnitCode = ? AND chain = ?',
          params,
        ).then((rows) => checkReferenceTime(rows, key)),
        'active_stations',
        key,
      );
      const station = stations[0];
      if (!station) return null;
      const nodes = parseRows(
        nodeSchema,
        await this.select(
          c,
          `SELECT ${NODE_SELECT} FROM rsn_nodes WHERE controlUnitCode = ? AND chain = ? ORDER BY nodeIndex`,
          params,
        ),
        'rsn_nodes',
        key,
      );
      const thresholds = parseRows(
        thresholdSchema,
        await this.select(
          c,
          `SELECT ${THRESHOLD_SELECT} FROM rsn_thresholds WHERE controlUnitCode = ? AND chain = ? ORDER BY id`,
          params,
        ),
        'rsn_thresholds',
        key,
      );
      return { station, nodes, thresholds };
    });
  }

  readRaw(span: RawSpan, options: ReadRawOptions = {}): AsyncIterable<RawColumns> {
    const key = { controlUnitCode: span.controlUnitCode, chain: span.chain };
    const doing = `reading the raw rows of chain ${chainLabel(key)}`;
    return readRawChunks(
      key,
      span,
      options.chunkRows ?? DEFAULT_CHUNK_ROWS,
      (from, to, limit) =>
        this.withConn(doing, (c) => {
          const params: SqlValue[] = [key.controlUnitCode, key.chain, lowerBound(from), upperBound(to)];
          if (limit === null) return this.selectArrays(c, RAW_SELECT, params);
          // A string: MySQL 8 refuses a DOUBLE-typed LIMIT parameter.
          params.push(String(limit));
          return this.selectArrays(c, `${RAW_SELECT} LIMIT ?`, params);
        }),
      { signal: options.signal },
    );
  }

  async chainTimestamps(span: RawSpan, nodes: readonly number[]): Promise<Float64Array> {
    if (nodes.length === 0) return new Float64Array(0);
    const key = { controlUnitCode: span.controlUnitCode, chain: span.chain };
    const list = inList(nodes);
    const rows = await this.withConn(`reading the timestamps of chain ${chainLabel(key)}`, (c) =>
      this.selectArrays(
        c,
        `SELECT ${epoch('timestamp')} FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? ` +
          `AND timestamp >= ? AND timestamp <= ? AND nodeIndex IN (${list.sql}) GROUP BY timestamp ORDER BY timestamp`,
        [key.controlUnitCode, key.chain, lowerBound(span.from), upperBound(span.to), ...list.params],
      ),
    );
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = Number((rows[i] as unknown[])[0]);
    return out;
  }

  private async oneTimestamp(doing: string, sql: string, params: SqlValue[]): Promise<number | null> {
    const rows = await this.withConn(doing, (c) => this.selectArrays(c, sql, params));
    const first = rows[0] as unknown[] | undefined;
    return first && first[0] !== null ? Number(first[0]) : null;
  }

  async lastChainTimestampBefore(
    key: ChainKey,
    before: number,
    nodes: readonly number[],
  ): Promise<number | null> {
    if (nodes.length === 0) return null;
    const list = inList(nodes);
    // timestamp < before ⇔ timestamp < ceil(before) for whole-second times
    const bound = formatDbTime(Math.min(MAX_EPOCH, Math.max(MIN_EPOCH, Math.ceil(before))));
    return this.oneTimestamp(
      `reading the timestamps of chain ${chainLabel(key)}`,
      `SELECT ${epoch('timestamp')} FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? AND timestamp < ? ` +
        `AND nodeIndex IN (${list.sql}) ORDER BY timestamp DESC LIMIT 1`,
      [key.controlUnitCode, key.chain, bound, ...list.params],
    );
  }

  async firstChainTimestamp(key: ChainKey, nodes: readonly number[]): Promise<number | null> {
    if (nodes.length === 0) return null;
    const list = inList(nodes);
    return this.oneTimestamp(
      `reading the timestamps of chain ${chainLabel(key)}`,
      `SELECT ${epoch('timestamp')} FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? ` +
        `AND nodeIndex IN (${list.sql}) ORDER BY timestamp LIMIT 1`,
      [key.controlUnitCode, key.chain, ...list.params],
    );
  }

  async countRawOutside(span: RawSpan, nodes: readonly number[]): Promise<number> {
    const key = { controlUnitCode: span.controlUnitCode, chain: span.chain };
    let sql =
      'SELECT COUNT(*) AS v FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?';
    const params: SqlValue[] = [key.controlUnitCode, key.chain, lowerBound(span.from), upperBound(span.to)];
    if (nodes.length > 0) {
      const list = inList(nodes);
      sql += ` AND nodeIndex NOT IN (${list.sql})`;
      params.push(...list.params);
    }
    const rows = await this.withConn(`counting the raw rows of chain ${chainLabel(key)}`, (c) =>
      this.select(c, sql, params),
    );
    return parseRows(singleNumberSchema, rows, 'raw_rsn_data', key)[0]?.v ?? 0;
  }

  // --- writing the outputs

  async lastElaboratedAt(key: ChainKey): Promise<number | null> {
    const rows = await this.withConn(`reading the elaborated rows of chain ${chainLabel(key)}`, (c) =>
      this.select(
        c,
        `SELECT ${epoch('MAX(timestamp)')} AS v FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ?`,
        [key.controlUnitCode, key.chain],
      ),
    );
    return parseRows(singleNumberSchema, rows, 'elaborated_rsn_data', key)[0]?.v ?? null;
  }

  /** Upserts the rows with the current bulk method, falling back to INSERT when LOAD DATA LOCAL is refused. */
  private async bulk(write: (method: BulkMethod) => Promise<void>): Promise<void> {
    if (this.bulkMethod === 'load-data') {
      try {
        await write('load-data');
        return;
      } catch (error) {
        if (!isLocalInfileRefused(error)) throw error;
        this.bulkMethod = 'insert';
      }
    }
    await write('insert');
  }

  async writeChunk(chunk: WriteChunk): Promise<WriteResult> {
    const key = { controlUnitCode: chunk.controlUnitCode, chain: chunk.chain };
    checkElaboratedColumns(key, chunk.rows);
    checkChunkEvents(chunk);
    const now = nowEpoch();
    // The span clamped to whole seconds within DATETIME's range (an empty span deletes nothing).
    const from = lowerBound(chunk.eventsFrom);
    const to = upperBound(chunk.eventsTo);
    return this.tx(`writing the elaborated rows of chain ${chainLabel(key)}`, async (c) => {
      await this.bulk((method) => upsertElaborated(c, method, key, chunk.runId, chunk.rows));
      const span = [key.controlUnitCode, key.chain, from, to];
      const existing = parseRows(
        existingEventSchema,
        await this.select(
          c,
          `SELECT metric, ${epoch('timestamp')} AS timestamp, ${epoch('createdAt')} AS createdAt, ` +
            `${epoch('notifiedAt')} AS notifiedAt FROM rsn_alarm_events ` +
            'WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ? FOR UPDATE',
          span,
        ),
        'rsn_alarm_events',
        key,
      );
      if (existing.length > 0) {
        await c.execute(
          'DELETE FROM rsn_alarm_events WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?',
          span,
        );
      }
      const plan = planEventReplacement(chunk.events, existing, now);
      await insertEvents(c, key, chunk.runId, plan.rows);
      return { rowsWritten: chunk.rows.length, newEvents: plan.newEvents };
    });
  }

  async markNotified(key: ChainKey, events: readonly AlarmEvent[], at: number): Promise<void> {
    if (events.length === 0) return;
    await this.tx(`recording the notifications of chain ${chainLabel(key)}`, async (c) => {
      for (let i = 0; i < events.length; i += 200) {
        const batch = events.slice(i, i + 200);
        const params: SqlValue[] = [formatDbTime(at), key.controlUnitCode, key.chain];
        for (const e of batch) params.push(e.metric, formatDbTime(e.timestamp));
        await c.query(
          'UPDATE rsn_alarm_events SET notifiedAt = ? WHERE controlUnitCode = ? AND chain = ? AND (' +
            batch.map(() => '(metric = ? AND timestamp = ?)').join(' OR ') +
            ')',
          params,
        );
      }
    });
  }

  // --- bookkeeping

  async startRun(run: RunStart): Promise<number> {
    const key = { controlUnitCode: run.controlUnitCode, chain: run.chain };
    return this.withConn(`recording a run of chain ${chainLabel(key)}`, async (c) => {
      const [result] = await c.execute(
        'INSERT INTO catena_runs (launchId, controlUnitCode, chain, mode, spanFrom, spanTo, host, status, startedAt) ' +
          "VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)",
        runStartParams(run),
      );
      return insertIdOf(result);
    });
  }

  async endRun(runId: number, end: RunEnd): Promise<void> {
    await this.withConn(`recording the end of run ${runId}`, async (c) => {
      await c.execute(
        'UPDATE catena_runs SET status = ?, endedAt = ?, phase = ?, message = ?, errorCode = ?, ' +
          `${RUN_COUNT_COLUMNS.map((n) => `${n} = ?`).join(', ')} WHERE runId = ?`,
        [...runEndParams(end), runId],
      );
    });
  }

  async listRuns(filter: { key?: ChainKey; launchId?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const { where, params } = runFilter(filter);
    params.push(String(clampLimit(filter.limit, 200)));
    const rows = await this.withConn('listing the runs', (c) =>
      this.select(
        c,
        `SELECT ${runSelect(epoch)} FROM catena_runs${where} ORDER BY runId DESC LIMIT ?`,
        params,
      ),
    );
    return parseRows(runSchema, rows, 'catena_runs');
  }

  // --- reading the outputs

  async readElaborated(query: SeriesQuery): Promise<ElaboratedColumns> {
    const key = { controlUnitCode: query.controlUnitCode, chain: query.chain };
    const { sql, params, newestFirst, limit } = elaboratedQuery(query, epoch);
    if (limit !== null) params.push(String(limit));
    const rows = await this.withConn(`reading the elaborated rows of chain ${chainLabel(key)}`, (c) =>
      this.selectArrays(c, sql, params),
    );
    return elaboratedFromRows(rows, key, newestFirst);
  }

  async flagCounts(query: FlagCountQuery): Promise<NodeFlagCounts[]> {
    const { sql, params } = flagCountsQuery(query, epoch, flagBit);
    const rows = await this.withConn(`counting the flags of chain ${chainLabel(query.key)}`, (c) =>
      this.select(c, sql, params),
    );
    return parseRows(flagCountsSchema, rows, 'elaborated_rsn_data', query.key);
  }

  async listEvents(filter: {
    key?: ChainKey;
    from?: number | null;
    to?: number | null;
    limit?: number;
  }): Promise<StoredAlarmEvent[]> {
    const { sql, params, limit } = eventsQuery(filter, epoch);
    const rows = await this.withConn('listing the alarm events', (c) =>
      this.select(c, sql, [...params, String(limit)]),
    );
    return parseRows(eventSchema, rows, 'rsn_alarm_events', filter.key);
  }

  // --- writing the inputs

  async upsertStation(row: StationRow): Promise<void> {
    const columns = ['controlUnitCode', 'chain', ...STATION_COLUMNS];
    await this.withConn(`saving chain ${chainLabel(row)}`, async (c) => {
      await c.execute(
        `INSERT INTO active_stations (${columns.join(', ')}) VALUES (${placeholders(columns.length)}) ` +
          `ON DUPLICATE KEY UPDATE ${STATION_COLUMNS.map((n) => `${n} = VALUES(${n})`).join(', ')}`,
        stationParams(row),
      );
    });
  }

  async replaceChainConfig(
    key: ChainKey,
    nodes: NodeRow[],
    thresholds: Omit<ThresholdRow, 'id'>[],
  ): Promise<void> {
    checkConfigKeys(key, nodes, thresholds);
    await this.tx(`saving the configuration of chain ${chainLabel(key)}`, async (c) => {
      const params = [key.controlUnitCode, key.chain];
      await c.execute('DELETE FROM rsn_nodes WHERE controlUnitCode = ? AND chain = ?', params);
      await c.execute('DELETE FROM rsn_thresholds WHERE controlUnitCode = ? AND chain = ?', params);
      const nodeColumns = ['controlUnitCode', 'chain', 'nodeIndex', ...NODE_COLUMNS];
      for (let i = 0; i < nodes.length; i += 500) {
        const batch = nodes.slice(i, i + 500);
        await c.query(`INSERT INTO rsn_nodes (${nodeColumns.join(', ')}) VALUES ?`, [
          batch.map((n) => nodeParams(key, n)),
        ]);
      }
      for (let i = 0; i < thresholds.length; i += 500) {
        const batch = thresholds.slice(i, i + 500);
        await c.query(
          'INSERT INTO rsn_thresholds (controlUnitCode, chain, nodeIndex, metric, level, value) VALUES ?',
          [batch.map((t) => [key.controlUnitCode, key.chain, t.nodeIndex, t.metric, t.level, t.value])],
        );
      }
    });
  }

  async writeRaw(key: ChainKey, rows: RawColumns): Promise<void> {
    checkRawColumns(key, rows);
    for (let start = 0; start < rows.length; start += RAW_WRITE_BATCH) {
      const end = Math.min(rows.length, start + RAW_WRITE_BATCH);
      await this.tx(`writing the raw rows of chain ${chainLabel(key)}`, (c) =>
        this.bulk((method) => upsertRaw(c, method, key, rows, start, end)),
      );
    }
  }

  async deleteChain(key: ChainKey): Promise<void> {
    await this.tx(`deleting chain ${chainLabel(key)}`, async (c) => {
      for (const table of CHAIN_TABLES) {
        await c.execute(`DELETE FROM ${table} WHERE controlUnitCode = ? AND chain = ?`, [
          key.controlUnitCode,
          key.chain,
        ]);
      }
    });
  }
}

async function insertEvents(
  conn: PoolConnection,
  key: ChainKey,
  runId: number,
  rows: EventRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    await conn.query(
      'INSERT INTO rsn_alarm_events (controlUnitCode, chain, metric, timestamp, level, previousLevel, nodeIndex, ' +
        'value, runId, createdAt, notifiedAt) VALUES ?',
      [batch.map((e) => eventParams(key, runId, e))],
    );
  }
}
