/**
 * The store port: every query the engine, the demo generator and the
 * interface need, implemented once for MySQL/MariaDB (mysql2) and once for an
 * embedded SQLite file (node:sqlite). Tables and columns are those of
 * DATA_MODEL.md. Times are epoch seconds (UTC) at this boundary; numeric SQL
 * NULL is NaN in the column arrays (a double read from either database is
 * never NaN, so the encoding is lossless).
 */

import type { AlarmEvent } from '../domain/alarms.ts';
import type { ChainKey } from '../domain/chain.ts';
import type { ElaboratedColumns, RawColumns } from '../domain/columns.ts';
import type { ChainSetup, NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import type { RunCounts, RunMode } from '../domain/runs.ts';

export interface ChainSummary extends ChainKey {
  siteName: string | null;
  active: boolean;
  fixedEnd: string | null;
  nodeCount: number;
  enabledNodeCount: number;
  rawRowCount: number;
  /** epoch seconds or null when the chain has no raw rows */
  firstRawAt: number | null;
  lastRawAt: number | null;
  /** last timestamp in elaborated_rsn_data, or null */
  lastElaboratedAt: number | null;
}

export interface RawSpan extends ChainKey {
  /** inclusive lower bound, epoch seconds; null = from the start */
  from: number | null;
  /** inclusive upper bound, epoch seconds; null = to the end */
  to: number | null;
}

export interface ReadRawOptions {
  /** rows per chunk, rounded up to a whole timestamp (default: the adapter's) */
  chunkRows?: number;
  signal?: AbortSignal;
}

export interface StoredAlarmEvent extends AlarmEvent, ChainKey {
  runId: number | null;
  createdAt: number;
  notifiedAt: number | null;
}

export interface WriteChunk extends ChainKey {
  runId: number;
  rows: ElaboratedColumns;
  /** the events of [eventsFrom, eventsTo] are replaced by `events` */
  eventsFrom: number;
  eventsTo: number;
  events: AlarmEvent[];
}

export interface WriteResult {
  rowsWritten: number;
  /** events whose key did not exist before this write: the ones to notify */
  newEvents: AlarmEvent[];
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface RunStart extends ChainKey {
  launchId: string;
  mode: RunMode;
  spanFrom: number | null;
  spanTo: number | null;
  host: string;
}

export interface RunEnd extends RunCounts {
  status: Exclude<RunStatus, 'running'>;
  phase: string | null;
  message: string | null;
  errorCode: string | null;
}

export interface RunRecord extends ChainKey, RunCounts {
  runId: number;
  launchId: string;
  mode: RunMode;
  spanFrom: number | null;
  spanTo: number | null;
  host: string;
  status: RunStatus;
  startedAt: number;
  endedAt: number | null;
  phase: string | null;
  message: string | null;
  errorCode: string | null;
}

export interface SeriesQuery extends ChainKey {
  from: number | null;
  to: number | null;
  nodeIndex?: number;
  /** at most this many rows (newest kept when cut) */
  limit?: number;
}

export interface FlagCountQuery {
  key: ChainKey;
  /** inclusive lower bound, epoch seconds; null = from the start */
  from: number | null;
  /** inclusive upper bound, epoch seconds; null = to the end */
  to: number | null;
}

/** Elaborated rows of one node counted by flag bit (ELABORATION.md §3.13); a row may count in several. */
export interface NodeFlagCounts {
  nodeIndex: number;
  rows: number;
  /** flags & 1 */
  invalid: number;
  /** flags & 2 */
  spikeX: number;
  /** flags & 4 */
  spikeY: number;
  /** flags & 8 */
  held: number;
  /** flags & 16 */
  noReference: number;
  /** flags & 32 */
  gravity: number;
  /** first and last timestamp counted, epoch seconds */
  firstAt: number;
  lastAt: number;
}

/** A chain's elaboration lock; held until released (or until the holder's connection or process ends). */
export interface ChainLock {
  release(): Promise<void>;
}

export interface StoreInfo {
  kind: 'mysql' | 'sqlite';
  /** URL without password */
  location: string;
  serverVersion: string;
}

export interface Store {
  readonly info: StoreInfo;

  /** Creates what is missing (tables, bookkeeping); never drops or rewrites. Returns the migrations applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;

  // --- reading the inputs
  listChains(): Promise<ChainSummary[]>;
  /** null when the chain is not in active_stations */
  readChainSetup(key: ChainKey): Promise<ChainSetup | null>;
  /** Streams raw rows of the span, ordered by (timestamp, nodeIndex), in chunks. */
  readRaw(span: RawSpan, options?: ReadRawOptions): AsyncIterable<RawColumns>;
  /** Distinct timestamps of raw rows of the given nodes, with from ≤ t ≤ to (nulls = unbounded), ascending. */
  chainTimestamps(span: RawSpan, nodes: readonly number[]): Promise<Float64Array>;
  /** Latest timestamp < before among raw rows of the given nodes, or null. */
  lastChainTimestampBefore(key: ChainKey, before: number, nodes: readonly number[]): Promise<number | null>;
  /** Earliest timestamp among raw rows of the given nodes, or null. */
  firstChainTimestamp(key: ChainKey, nodes: readonly number[]): Promise<number | null>;
  /** Count of raw rows of the span whose nodeIndex is not among `nodes` (all of rsn_nodes). */
  countRawOutside(span: RawSpan, nodes: readonly number[]): Promise<number>;

  // --- writing the outputs
  lastElaboratedAt(key: ChainKey): Promise<number | null>;
  /** One transaction: upsert the rows, replace the span's events. */
  writeChunk(chunk: WriteChunk): Promise<WriteResult>;
  markNotified(key: ChainKey, events: readonly AlarmEvent[], at: number): Promise<void>;

  /**
   * Takes the chain's elaboration lock without waiting; null when another
   * launch (this process) or another workstation (MySQL) holds it.
   */
  lockChain(key: ChainKey): Promise<ChainLock | null>;

  // --- bookkeeping
  startRun(run: RunStart): Promise<number>;
  endRun(runId: number, end: RunEnd): Promise<void>;
  listRuns(filter?: { key?: ChainKey; launchId?: string; limit?: number }): Promise<RunRecord[]>;

  // --- reading the outputs (interface)
  readElaborated(query: SeriesQuery): Promise<ElaboratedColumns>;
  /** Elaborated rows of the chain with from ≤ t ≤ to, counted per node and flag bit (one grouped query), by nodeIndex. */
  flagCounts(query: FlagCountQuery): Promise<NodeFlagCounts[]>;
  listEvents(filter: {
    key?: ChainKey;
    from?: number | null;
    to?: number | null;
    limit?: number;
  }): Promise<StoredAlarmEvent[]>;

  // --- writing the inputs (demo site, benchmark workloads, tests)
  upsertStation(row: StationRow): Promise<void>;
  /** Replaces the chain's rows in rsn_nodes and rsn_thresholds (ids are assigned). */
  replaceChainConfig(key: ChainKey, nodes: NodeRow[], thresholds: Omit<ThresholdRow, 'id'>[]): Promise<void>;
  /** Bulk insert (or overwrite) raw rows of one chain. */
  writeRaw(key: ChainKey, rows: RawColumns): Promise<void>;
  /** Deletes every row of the chain in every table (demo refresh, tests). */
  deleteChain(key: ChainKey): Promise<void>;
}
