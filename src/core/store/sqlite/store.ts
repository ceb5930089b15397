/**
 * The store on an embedded SQLite file through node:sqlite's DatabaseSync.
 *
 * - WAL journal (readers do not block the writer, a second process can
 *   read while Catena writes), synchronous=NORMAL (durable at checkpoints,
 *   never corrupt), a busy timeout of 5 s for another process's write lock.
 * - Statements are prepared once and cached by text.
 * - The API is synchronous, so every call is bounded: readRaw reads one
 *   chunk per call (20 000 rows by default) and yields to the event loop
 *   between chunks; writeRaw commits every RAW_WRITE_BATCH rows and yields;
 *   writeChunk is one transaction of the caller's chunk. No transaction is
 *   ever open across an `await`, so calls from concurrent chains cannot
 *   interleave inside one another's transaction.
 * - Times are TEXT 'YYYY-MM-DD HH:MM:SS', read as epoch seconds with
 *   `unixepoch(t)`; bounds compare as text (same order as time).
 */
import { existsSync } from 'node:fs';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { AlarmEvent } from '../../domain/alarms.ts';
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import {
  ELABORATED_VALUES,
  type ElaboratedColumns,
  RAW_VALUES,
  type RawColumns,
} from '../../domain/columns.ts';
import type { ChainSetup, NodeRow, StationRow, ThresholdRow } from '../../domain/configuration.ts';
import { CatenaError } from '../../errors.ts';
import { formatDbTime } from '../../time.ts';
import { readRawChunks } from '../chunking.ts';
import {
  bindKeyedRow,
  checkElaboratedColumns,
  checkRawColumns,
  ELABORATED_COLUMNS,
  elaboratedFromRows,
  lowerBound,
  MAX_EPOCH,
  MIN_EPOCH,
  nowEpoch,
  RAW_COLUMNS,
  TimeFormatter,
  upperBound,
} from '../columns.ts';
import { checkChunkEvents, planEventReplacement } from '../events.ts';
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
import { redact, type SqliteProfile } from '../profile.ts';
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
  type lastSchema,
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
import { sqliteDdl } from './ddl.ts';
import { classifySqliteError } from './errors.ts';

export interface SqliteOpenOptions {
  /** the resolved file path (or `:memory:`) */
  path: string;
  /** refuse to create the file when it does not exist */
  mustExist: boolean;
}

/** flagCounts: 1 when bit `mask` of flags is set (SQLite precedence). */
const flagBit = (mask: number): string => `(flags & ${mask}) <> 0`;

const epoch = (column: string): string => `unixepoch(${column})`;

const DEFAULT_CHUNK_ROWS = 20_000;
const RAW_WRITE_BATCH = 20_000;
/** rows per multi-row INSERT statement (measured: 64 beats 1, 16 and 256) */
const INSERT_ROWS = 64;

const RAW_SELECT =
  `SELECT ${epoch('timestamp')}, nodeIndex, rawX, rawY, rawZ, rawT, errorCode FROM raw_rsn_data ` +
  'WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp, nodeIndex';

const existingEventSchema = z.object({
  metric: z.string(),
  timestamp: z.number(),
  createdAt: z.number(),
  notifiedAt: z.number().nullable(),
});
const rawStatsSchema = chainStatsSchema.pick({ n: true, first: true, last: true });

/**
 * Chain locks of SQLite files, per process: an embedded file is one
 * workstation's (the demo site, offline review); two processes on one file
 * are not guarded against each other.
 */
const heldChainLocks = new Set<string>();
/** An in-memory database is private to its connection: nothing to guard. */
const noLock: ChainLock = { release: async () => {} };

export class SqliteStore implements CatenaStore {
  readonly info: StoreInfo;
  private readonly db: DatabaseSync;
  private readonly path: string;
  private readonly statements = new Map<string, StatementSync>();

  private constructor(db: DatabaseSync, path: string, info: StoreInfo) {
    this.db = db;
    this.path = path;
    this.info = info;
  }

  static open(profile: SqliteProfile, options: SqliteOpenOptions): SqliteStore {
    const { path } = options;
    if (options.mustExist && path !== ':memory:' && !existsSync(path)) {
      throw new CatenaError(
        'CONNECTION_UNKNOWN_DATABASE',
        `The SQLite file ${path} does not exist. Check the path in the connection profile, or run ` +
          '`catena migrate` (or `catena demo`) with it to create a Catena database there.',
      );
    }
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path, { timeout: 5000 });
      // The first statement reads the header: a file that is not SQLite fails here.
      db.prepare('PRAGMA journal_mode = WAL').get();
      db.exec('PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536');
      const version = db.prepare('SELECT sqlite_version() AS v').get()?.v;
      return new SqliteStore(db, path, {
        kind: 'sqlite',
        location: redact({ kind: 'sqlite', path: profile.path }),
        serverVersion: `SQLite ${String(version)}`,
      });
    } catch (error) {
      if (db?.isOpen) db.close();
      throw classifySqliteError(error, path, 'open the database') ?? error;
    }
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  async lockChain(key: ChainKey): Promise<ChainLock | null> {
    const name = `${this.path}\u0000${key.controlUnitCode}\u0000${key.chain}`;
    if (this.path === ':memory:' || heldChainLocks.has(name)) return this.path === ':memory:' ? noLock : null;
    heldChainLocks.add(name);
    return {
      release: async () => {
        heldChainLocks.delete(name);
      },
    };
  }

  // --- plumbing

  private stmt(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** The same statement returning rows as arrays (cached separately). */
  private arrays(sql: string): StatementSync {
    const key = `[arrays] ${sql}`;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(sql);
      statement.setReturnArrays(true);
      this.statements.set(key, statement);
    }
    return statement;
  }

  private all(sql: string, params: readonly SqlValue[]): unknown[] {
    return this.stmt(sql).all(...(params as SQLInputValue[]));
  }

  private allArrays(sql: string, params: readonly SqlValue[]): unknown[] {
    return this.arrays(sql).all(...(params as SQLInputValue[]));
  }

  private exec(sql: string, params: readonly SqlValue[]): void {
    this.stmt(sql).run(...(params as SQLInputValue[]));
  }

  /** Runs `fn`; failures become CatenaErrors where the operator can act. */
  private guard<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw classifySqliteError(error, this.path, doing) ?? error;
    }
  }

  /** One write transaction (BEGIN IMMEDIATE takes the write lock at once, so it never deadlocks). */
  private tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** INSERT OR REPLACE of rows [start, end) in statements of INSERT_ROWS rows. */
  private upsertRows(
    table: string,
    columns: readonly string[],
    start: number,
    end: number,
    fill: (i: number, params: SQLInputValue[], at: number) => void,
  ): void {
    const width = columns.length;
    const head = `INSERT OR REPLACE INTO ${table} (${columns.join(', ')}) VALUES `;
    const tuple = `(${placeholders(width)})`;
    const many = this.stmt(head + new Array(INSERT_ROWS).fill(tuple).join(','));
    const one = this.stmt(head + tuple);
    const params: SQLInputValue[] = new Array(INSERT_ROWS * width);
    let i = start;
    for (; i + INSERT_ROWS <= end; i += INSERT_ROWS) {
      for (let r = 0; r < INSERT_ROWS; r++) fill(i + r, params, r * width);
      many.run(...params);
    }
    const single: SQLInputValue[] = new Array(width);
    for (; i < end; i++) {
      fill(i, single, 0);
      one.run(...single);
    }
  }

  // --- schema

  private inspect(): SchemaState {
    const tables: SchemaState['tables'] = new Map();
    const names = new Set(
      [...INPUT_TABLES, ...CATENA_TABLES, SCHEMA_MIGRATIONS].map((t) => t.name.toLowerCase()),
    );
    for (const row of this.allArrays("SELECT name FROM sqlite_master WHERE type = 'table'", [])) {
      const name = String((row as unknown[])[0]);
      if (!names.has(name.toLowerCase())) continue;
      const columns = new Set(
        this.allArrays('SELECT name FROM pragma_table_info(?)', [name]).map((r) =>
          String((r as unknown[])[0]).toLowerCase(),
        ),
      );
      const indexes = new Set(
        this.allArrays('SELECT name FROM pragma_index_list(?)', [name]).map((r) =>
          String((r as unknown[])[0]).toLowerCase(),
        ),
      );
      tables.set(name.toLowerCase(), { columns, indexes });
    }
    const appliedVersions = new Set<number>();
    if (tables.has(SCHEMA_MIGRATIONS.name)) {
      for (const row of this.allArrays('SELECT version FROM catena_schema_migrations', [])) {
        appliedVersions.add(Number((row as unknown[])[0]));
      }
    }
    return { tables, appliedVersions };
  }

  async migrate(): Promise<string[]> {
    return this.guard('migrate the database', () =>
      this.tx(() => {
        const state = this.inspect();
        if (!state.tables.has(SCHEMA_MIGRATIONS.name)) {
          for (const sql of sqliteDdl.createTable(SCHEMA_MIGRATIONS)) this.db.exec(sql);
        }
        const applied: string[] = [];
        for (const migration of planMigrations(state, sqliteDdl)) {
          for (const sql of migration.statements) this.db.exec(sql);
          this.exec(
            'INSERT INTO catena_schema_migrations (version, name, appliedAt) VALUES (?, ?, ?) ' +
              'ON CONFLICT (version) DO UPDATE SET name = excluded.name',
            [migration.version, migration.name, formatDbTime(nowEpoch())],
          );
          applied.push(migration.repair ? `${migration.name} (repaired)` : migration.name);
        }
        // Statements prepared before a schema change are re-prepared by SQLite itself.
        return applied;
      }),
    );
  }

  async schemaStatus(): Promise<SchemaProblems> {
    return this.guard('check the database tables', () => {
      const state = this.inspect();
      return schemaProblems(state.tables.keys(), state.appliedVersions);
    });
  }

  // --- reading the inputs

  async listChains(): Promise<ChainSummary[]> {
    return this.guard('list the chains', () => {
      const stations = parseRows(
        stationListSchema,
        this.all(
          'SELECT controlUnitCode, chain, siteName, active, fixedEnd FROM active_stations ORDER BY controlUnitCode, chain',
          [],
        ),
        'active_stations',
      );
      const nodes = parseRows(
        nodeCountSchema,
        this.all(
          'SELECT controlUnitCode, chain, COUNT(*) AS n, COUNT(CASE WHEN enabled IS NULL OR enabled <> 0 THEN 1 END) AS enabled ' +
            'FROM rsn_nodes GROUP BY controlUnitCode, chain',
          [],
        ),
        'rsn_nodes',
      );
      // Per chain: each query is a range of the clustered key (SQLite has no loose index scan for GROUP BY).
      const raw: z.infer<typeof chainStatsSchema>[] = [];
      const elaborated: z.infer<typeof lastSchema>[] = [];
      for (const s of stations) {
        const key = [s.controlUnitCode, s.chain];
        const [stats] = parseRows(
          rawStatsSchema,
          this.all(
            `SELECT COUNT(*) AS n, ${epoch('MIN(timestamp)')} AS first, ${epoch('MAX(timestamp)')} AS last ` +
              'FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ?',
            key,
          ),
          'raw_rsn_data',
          s,
        );
        if (stats) raw.push({ ...s, ...stats });
        const [last] = parseRows(
          singleNumberSchema,
          this.all(
            `SELECT ${epoch('MAX(timestamp)')} AS v FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ?`,
            key,
          ),
          'elaborated_rsn_data',
          s,
        );
        elaborated.push({ controlUnitCode: s.controlUnitCode, chain: s.chain, last: last?.v ?? null });
      }
      return summarize(stations, nodes, raw, elaborated);
    });
  }

  async readChainSetup(key: ChainKey): Promise<ChainSetup | null> {
    return this.guard(`read the configuration of chain ${chainLabel(key)}`, () => {
      const params = [key.controlUnitCode, key.chain];
      const stationRows = this.all(
        `SELECT ${stationSelect(epoch)}, referenceTime AS referenceTimeText FROM active_stations ` +
          'WHERE controlUnitCode = ? AND chain = ?',
        params,
      );
      const station = parseRows(
        stationSchema,
        checkReferenceTime(stationRows, key),
        'active_stations',
        key,
      )[0];
      if (!station) return null;
      const nodes = parseRows(
        nodeSchema,
        this.all(
          `SELECT ${NODE_SELECT} FROM rsn_nodes WHERE controlUnitCode = ? AND chain = ? ORDER BY nodeIndex`,
          params,
        ),
        'rsn_nodes',
        key,
      );
      const thresholds = parseRows(
        thresholdSchema,
        this.all(
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
    const doing = `read the raw rows of chain ${chainLabel(key)}`;
    return readRawChunks(
      key,
      span,
      options.chunkRows ?? DEFAULT_CHUNK_ROWS,
      async (from, to, limit) =>
        this.guard(doing, () => {
          const params: SqlValue[] = [key.controlUnitCode, key.chain, lowerBound(from), upperBound(to)];
          if (limit === null) return this.allArrays(RAW_SELECT, params);
          return this.allArrays(`${RAW_SELECT} LIMIT ?`, [...params, limit]);
        }),
      { signal: options.signal, pause: () => yieldToEventLoop() },
    );
  }

  async chainTimestamps(span: RawSpan, nodes: readonly number[]): Promise<Float64Array> {
    if (nodes.length === 0) return new Float64Array(0);
    const key = { controlUnitCode: span.controlUnitCode, chain: span.chain };
    const list = inList(nodes);
    const rows = this.guard(`read the timestamps of chain ${chainLabel(key)}`, () =>
      this.allArrays(
        `SELECT ${epoch('timestamp')} FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? ` +
          `AND timestamp >= ? AND timestamp <= ? AND nodeIndex IN (${list.sql}) GROUP BY timestamp ORDER BY timestamp`,
        [key.controlUnitCode, key.chain, lowerBound(span.from), upperBound(span.to), ...list.params],
      ),
    );
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const value = (rows[i] as unknown[])[0];
      if (typeof value !== 'number') throw badTimestamp(key);
      out[i] = value;
    }
    return out;
  }

  private oneTimestamp(key: ChainKey, sql: string, params: SqlValue[]): number | null {
    const rows = this.guard(`read the timestamps of chain ${chainLabel(key)}`, () =>
      this.allArrays(sql, params),
    );
    const first = rows[0] as unknown[] | undefined;
    if (!first) return null;
    if (typeof first[0] !== 'number') throw badTimestamp(key);
    return first[0];
  }

  async lastChainTimestampBefore(
    key: ChainKey,
    before: number,
    nodes: readonly number[],
  ): Promise<number | null> {
    if (nodes.length === 0) return null;
    const list = inList(nodes);
    const bound = formatDbTime(Math.min(MAX_EPOCH, Math.max(MIN_EPOCH, Math.ceil(before))));
    return this.oneTimestamp(
      key,
      `SELECT ${epoch('timestamp')} FROM raw_rsn_data WHERE controlUnitCode = ? AND chain = ? AND timestamp < ? ` +
        `AND nodeIndex IN (${list.sql}) ORDER BY timestamp DESC LIMIT 1`,
      [key.controlUnitCode, key.chain, bound, ...list.params],
    );
  }

  async firstChainTimestamp(key: ChainKey, nodes: readonly number[]): Promise<number | null> {
    if (nodes.length === 0) return null;
    const list = inList(nodes);
    return this.oneTimestamp(
      key,
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
    const rows = this.guard(`count the raw rows of chain ${chainLabel(key)}`, () => this.all(sql, params));
    return parseRows(singleNumberSchema, rows, 'raw_rsn_data', key)[0]?.v ?? 0;
  }

  // --- writing the outputs

  async lastElaboratedAt(key: ChainKey): Promise<number | null> {
    const rows = this.guard(`read the elaborated rows of chain ${chainLabel(key)}`, () =>
      this.all(
        `SELECT ${epoch('MAX(timestamp)')} AS v FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ?`,
        [key.controlUnitCode, key.chain],
      ),
    );
    return parseRows(singleNumberSchema, rows, 'elaborated_rsn_data', key)[0]?.v ?? null;
  }

  private upsertElaborated(key: ChainKey, runId: number, rows: ElaboratedColumns): void {
    const time = new TimeFormatter();
    const values = ELABORATED_VALUES.map((name) => rows[name]);
    this.upsertRows('elaborated_rsn_data', ELABORATED_COLUMNS, 0, rows.length, (i, p, at) => {
      const next = bindKeyedRow(p, at, key, time, rows, values, i);
      p[next] = rows.flags[i]!;
      p[next + 1] = runId;
    });
  }

  async writeChunk(chunk: WriteChunk): Promise<WriteResult> {
    const key = { controlUnitCode: chunk.controlUnitCode, chain: chunk.chain };
    checkElaboratedColumns(key, chunk.rows);
    checkChunkEvents(chunk);
    const now = nowEpoch();
    const span: SqlValue[] = [
      key.controlUnitCode,
      key.chain,
      lowerBound(chunk.eventsFrom),
      upperBound(chunk.eventsTo),
    ];
    return this.guard(`write the elaborated rows of chain ${chainLabel(key)}`, () =>
      this.tx(() => {
        this.upsertElaborated(key, chunk.runId, chunk.rows);
        const existing = parseRows(
          existingEventSchema,
          this.all(
            `SELECT metric, ${epoch('timestamp')} AS timestamp, ${epoch('createdAt')} AS createdAt, ` +
              `${epoch('notifiedAt')} AS notifiedAt FROM rsn_alarm_events ` +
              'WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?',
            span,
          ),
          'rsn_alarm_events',
          key,
        );
        if (existing.length > 0) {
          this.exec(
            'DELETE FROM rsn_alarm_events WHERE controlUnitCode = ? AND chain = ? AND timestamp >= ? AND timestamp <= ?',
            span,
          );
        }
        const plan = planEventReplacement(chunk.events, existing, now);
        for (const row of plan.rows) {
          this.exec(
            'INSERT INTO rsn_alarm_events (controlUnitCode, chain, metric, timestamp, level, previousLevel, ' +
              'nodeIndex, value, runId, createdAt, notifiedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            eventParams(key, chunk.runId, row),
          );
        }
        return { rowsWritten: chunk.rows.length, newEvents: plan.newEvents };
      }),
    );
  }

  async markNotified(key: ChainKey, events: readonly AlarmEvent[], at: number): Promise<void> {
    if (events.length === 0) return;
    this.guard(`record the notifications of chain ${chainLabel(key)}`, () =>
      this.tx(() => {
        for (const e of events) {
          this.exec(
            'UPDATE rsn_alarm_events SET notifiedAt = ? ' +
              'WHERE controlUnitCode = ? AND chain = ? AND metric = ? AND timestamp = ?',
            [formatDbTime(at), key.controlUnitCode, key.chain, e.metric, formatDbTime(e.timestamp)],
          );
        }
      }),
    );
  }

  // --- bookkeeping

  async startRun(run: RunStart): Promise<number> {
    return this.guard(`record a run of chain ${chainLabel(run)}`, () => {
      const result = this.stmt(
        'INSERT INTO catena_runs (launchId, controlUnitCode, chain, mode, spanFrom, spanTo, host, status, startedAt) ' +
          "VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?)",
      ).run(...runStartParams(run));
      return Number(result.lastInsertRowid);
    });
  }

  async endRun(runId: number, end: RunEnd): Promise<void> {
    this.guard(`record the end of run ${runId}`, () =>
      this.exec(
        'UPDATE catena_runs SET status = ?, endedAt = ?, phase = ?, message = ?, errorCode = ?, ' +
          `${RUN_COUNT_COLUMNS.map((n) => `${n} = ?`).join(', ')} WHERE runId = ?`,
        [...runEndParams(end), runId],
      ),
    );
  }

  async listRuns(filter: { key?: ChainKey; launchId?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const { where, params } = runFilter(filter);
    params.push(clampLimit(filter.limit, 200));
    const rows = this.guard('list the runs', () =>
      this.all(`SELECT ${runSelect(epoch)} FROM catena_runs${where} ORDER BY runId DESC LIMIT ?`, params),
    );
    return parseRows(runSchema, rows, 'catena_runs');
  }

  // --- reading the outputs

  async readElaborated(query: SeriesQuery): Promise<ElaboratedColumns> {
    const key = { controlUnitCode: query.controlUnitCode, chain: query.chain };
    const { sql, params, newestFirst, limit } = elaboratedQuery(query, epoch);
    if (limit !== null) params.push(limit);
    const rows = this.guard(`read the elaborated rows of chain ${chainLabel(key)}`, () =>
      this.allArrays(sql, params),
    );
    return elaboratedFromRows(rows, key, newestFirst);
  }

  async flagCounts(query: FlagCountQuery): Promise<NodeFlagCounts[]> {
    const { sql, params } = flagCountsQuery(query, epoch, flagBit);
    const rows = this.guard(`count the flags of chain ${chainLabel(query.key)}`, () => this.all(sql, params));
    return parseRows(flagCountsSchema, rows, 'elaborated_rsn_data', query.key);
  }

  async listEvents(filter: {
    key?: ChainKey;
    from?: number | null;
    to?: number | null;
    limit?: number;
  }): Promise<StoredAlarmEvent[]> {
    const { sql, params, limit } = eventsQuery(filter, epoch);
    const rows = this.guard('list the alarm events', () => this.all(sql, [...params, limit]));
    return parseRows(eventSchema, rows, 'rsn_alarm_events', filter.key);
  }

  // --- writing the inputs

  async upsertStation(row: StationRow): Promise<void> {
    const columns = ['controlUnitCode', 'chain', ...STATION_COLUMNS];
    this.guard(`save chain ${chainLabel(row)}`, () =>
      this.exec(
        `INSERT INTO active_stations (${columns.join(', ')}) VALUES (${placeholders(columns.length)}) ` +
          `ON CONFLICT (controlUnitCode, chain) DO UPDATE SET ${STATION_COLUMNS.map((n) => `${n} = excluded.${n}`).join(', ')}`,
        stationParams(row),
      ),
    );
  }

  async replaceChainConfig(
    key: ChainKey,
    nodes: NodeRow[],
    thresholds: Omit<ThresholdRow, 'id'>[],
  ): Promise<void> {
    checkConfigKeys(key, nodes, thresholds);
    const nodeColumns = ['controlUnitCode', 'chain', 'nodeIndex', ...NODE_COLUMNS];
    this.guard(`save the configuration of chain ${chainLabel(key)}`, () =>
      this.tx(() => {
        const params = [key.controlUnitCode, key.chain];
        this.exec('DELETE FROM rsn_nodes WHERE controlUnitCode = ? AND chain = ?', params);
        this.exec('DELETE FROM rsn_thresholds WHERE controlUnitCode = ? AND chain = ?', params);
        for (const node of nodes) {
          this.exec(
            `INSERT INTO rsn_nodes (${nodeColumns.join(', ')}) VALUES (${placeholders(nodeColumns.length)})`,
            nodeParams(key, node),
          );
        }
        for (const t of thresholds) {
          this.exec(
            'INSERT INTO rsn_thresholds (controlUnitCode, chain, nodeIndex, metric, level, value) VALUES (?, ?, ?, ?, ?, ?)',
            [key.controlUnitCode, key.chain, t.nodeIndex, t.metric, t.level, t.value],
          );
        }
      }),
    );
  }

  async writeRaw(key: ChainKey, rows: RawColumns): Promise<void> {
    checkRawColumns(key, rows);
    const values = RAW_VALUES.map((name) => rows[name]);
    for (let start = 0; start < rows.length; start += RAW_WRITE_BATCH) {
      if (start > 0) await yieldToEventLoop();
      const end = Math.min(rows.length, start + RAW_WRITE_BATCH);
      const time = new TimeFormatter();
      this.guard(`write the raw rows of chain ${chainLabel(key)}`, () =>
        this.tx(() =>
          this.upsertRows('raw_rsn_data', RAW_COLUMNS, start, end, (i, p, at) => {
            p[bindKeyedRow(p, at, key, time, rows, values, i)] = rows.errorCode[i]!;
          }),
        ),
      );
    }
  }

  async deleteChain(key: ChainKey): Promise<void> {
    this.guard(`delete chain ${chainLabel(key)}`, () =>
      this.tx(() => {
        for (const table of CHAIN_TABLES) {
          this.exec(`DELETE FROM ${table} WHERE controlUnitCode = ? AND chain = ?`, [
            key.controlUnitCode,
            key.chain,
          ]);
        }
      }),
    );
  }
}

function badTimestamp(key: ChainKey): CatenaError {
  return new CatenaError(
    'DATA_INVALID',
    `Chain ${chainLabel(key)}: raw_rsn_data has a timestamp that is not a date and time ('YYYY-MM-DD HH:MM:SS'); ` +
      'correct or delete that row.',
    { ...key, table: 'raw_rsn_data', column: 'timestamp' },
  );
}
