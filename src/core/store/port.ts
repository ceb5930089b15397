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
import type { RunCounts, RunMode, RunStatus } from '../domain/runs.ts';
import type { WaitListener } from './executor.ts';

export interface ChainSummary extends ChainKey {
  siteName: string | null;
  /** the site's IANA time zone (migration 009), null when not set */
  timeZone: string | null;
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
  /** the operator's acknowledgement (DATA_MODEL.md v2), kept when a re-run computes the same level */
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
}

export interface WriteChunk extends ChainKey {
  runId: number;
  rows: ElaboratedColumns;
  /** the events of [eventsFrom, eventsTo] are replaced by `events` */
  eventsFrom: number;
  eventsTo: number;
  events: AlarmEvent[];
  /**
   * The chain lock the run holds: the write's transaction first renews its
   * lease and fails with CHAIN_LOCK_LOST, writing nothing, when it is no
   * longer held (expired and taken by another run).
   */
  lock?: ChainLock;
  /** the operator's cancel: interrupts the write on the server, even one waiting for a lock */
  signal?: AbortSignal;
  /** hears when the write waits for a lock held by another connection or program, and when it goes on */
  onWait?: WaitListener;
}

export interface EventAcknowledgement {
  key: ChainKey;
  /** the events to acknowledge; all of the chain's open events when absent */
  events?: readonly Pick<AlarmEvent, 'metric' | 'timestamp'>[];
  /** the operator's name */
  by: string;
  note: string | null;
  /** epoch seconds */
  at: number;
}

export interface WriteResult {
  rowsWritten: number;
  /** events whose key did not exist before this write: the ones to notify */
  newEvents: AlarmEvent[];
}

/** `interrupted`: the run stopped beating (its process died or lost the database) before it ended. */
export type { RunStatus } from '../domain/runs.ts';

export interface RunStart extends ChainKey {
  launchId: string;
  mode: RunMode;
  spanFrom: number | null;
  spanTo: number | null;
  host: string;
  /** the chain's configuration as elaborated (engine/fingerprint.ts), when known at the start */
  configFingerprint?: string | null;
}

/** What a run turned out to be once its span was resolved: the finishing of an interrupted full or range run. */
export interface RunAmendment {
  mode: RunMode;
  spanFrom: number | null;
  spanTo: number | null;
  /** the interrupted run it finishes (its first run, when that one was itself a finishing) */
  resumesRunId: number | null;
}

/** A chain's run history, as the engine and the stations list need it. */
export interface ChainHistory {
  /** the newest full run that is not running: when it did not succeed, the chain may hold mixed outputs */
  lastFull: RunRecord | null;
  /** the newest range run that is not running */
  lastRange: RunRecord | null;
  /**
   * The configuration fingerprints of every run that wrote rows since the last
   * complete full run (the rows stored now were computed with these).
   */
  fingerprints: string[];
}

/** What a running run records at each heartbeat, so any workstation sees its progress. */
export interface RunBeat extends RunCounts {
  phase: string;
  configFingerprint: string | null;
}

export interface RunEnd extends RunCounts {
  status: Exclude<RunStatus, 'running' | 'interrupted'>;
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
  /** the database's time of the run's last heartbeat */
  heartbeatAt: number | null;
  configFingerprint: string | null;
  /** the last timestamp the run committed */
  committedTo: number | null;
  /** the interrupted full or range run this one finished */
  resumesRunId: number | null;
}

export interface SeriesQuery extends ChainKey {
  from: number | null;
  to: number | null;
  nodeIndex?: number;
  /** at most this many rows (newest kept when cut) */
  limit?: number;
  /** also read each row's runId (ElaboratedColumns.runId) */
  withRunIds?: boolean;
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
  /** the last timestamp with a valid value of its own (neither invalid nor held), null when none */
  lastValidAt: number | null;
  /**
   * When the node's newest rows are not valid (lastValidAt < lastAt, or none valid): the non-zero raw
   * errorCode its raw rows after lastValidAt have most often, null when they have none.
   */
  errorCodeAfter: number | null;
}

/**
 * A chain's elaboration lock: a row of catena_chain_locks with a lease on
 * the database's clock. The holder renews it (each heartbeat and each
 * committed batch); a holder that dies or freezes loses it when the lease
 * runs out, and another run may then take the chain.
 */
export interface ChainLock {
  readonly token: string;
  /** renews the lease; false when the lock was lost */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** Who takes a chain lock (shown to whoever finds the chain locked). */
export interface LockHolder {
  runId: number | null;
  host: string;
}

export interface StoreInfo {
  kind: 'mysql' | 'sqlite';
  /** URL without password */
  location: string;
  serverVersion: string;
  /** opened read-only (an offline snapshot): every write is refused with READ_ONLY */
  readOnly?: boolean;
}

/** One pass of `catena snapshot` into a snapshot file (table catena_snapshot_passes, created by the first pass). */
export interface SnapshotPass {
  passId: number;
  /** the source's URL without password */
  source: string;
  /** the source database's clock when the pass began, epoch seconds */
  takenAt: number;
  /** the chains of the pass, as `CU001-A CU002-B` */
  chains: string;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled';
  startedAt: number;
  endedAt: number | null;
  message: string | null;
}

export type SnapshotPassStart = Pick<SnapshotPass, 'source' | 'takenAt' | 'chains'>;
export type SnapshotPassEnd = Pick<SnapshotPass, 'status' | 'message'>;

export interface NodeRawSpan {
  from: number | null;
  to: number | null;
}

/** One raw row of one node as stored (raw_rsn_data), nulls kept. */
export interface NodeRawRow {
  /** epoch seconds */
  timestamp: number;
  rawX: number | null;
  rawY: number | null;
  rawZ: number | null;
  rawT: number | null;
  errorCode: number | null;
}

export interface StoreSizes {
  /** raw rows per readRaw round trip */
  readRows: number;
  /** raw rows per writeRaw transaction */
  rawWriteRows: number;
  /** elaborated rows per writeChunk transaction */
  elaboratedWriteRows: number;
  /** bulk writes at once that the database takes fastest (the benchmark's best floor); more only contend */
  writeStreams: number;
}

export interface Store extends NotifyStore {
  readonly info: StoreInfo;
  /** how long a chain lock and a run's heartbeat stay valid without renewal, in seconds */
  readonly leaseSeconds: number;
  /** batch sizes measured for this database (docs/PERFORMANCE.md): the engine sizes its reads and writes with them */
  readonly sizes: StoreSizes;

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
  /** the chain's first timestamp at or after `notBefore` (null: the very first) */
  firstChainTimestamp(
    key: ChainKey,
    nodes: readonly number[],
    notBefore?: number | null,
  ): Promise<number | null>;
  /** raw rows of the chain dated before `from` or after `to` */
  countRawOutsideTimes(key: ChainKey, from: number, to: number): Promise<number>;
  /** the database's clock, epoch seconds */
  databaseNow(): Promise<number>;
  /** Count of raw rows of the span whose nodeIndex is not among `nodes` (all of rsn_nodes). */
  countRawOutside(span: RawSpan, nodes: readonly number[]): Promise<number>;
  /** One node's raw rows of the span (nulls = unbounded), the newest `limit` of them, oldest first. */
  readNodeRaw(key: ChainKey, nodeIndex: number, span: NodeRawSpan, limit: number): Promise<NodeRawRow[]>;

  // --- writing the outputs
  /** the newest elaborated timestamp of the chain, at or before `notAfter` when given */
  lastElaboratedAt(key: ChainKey, notAfter?: number | null): Promise<number | null>;
  /** One transaction: upsert the rows, replace the span's events. */
  writeChunk(chunk: WriteChunk): Promise<WriteResult>;
  markNotified(key: ChainKey, events: readonly AlarmEvent[], at: number): Promise<void>;
  /**
   * Acknowledges the chain's events not yet acknowledged: the given ones
   * (metric and timestamp), or all of them. Returns how many were acknowledged.
   */
  acknowledgeEvents(ack: EventAcknowledgement): Promise<number>;

  /**
   * Takes the chain's elaboration lock without waiting; null when another
   * run (in this process or any other) holds a live lease on it. The key is
   * compared as the database compares it (a case-insensitive collation
   * makes `B` and `b` one chain).
   */
  lockChain(key: ChainKey, holder: LockHolder): Promise<ChainLock | null>;

  // --- bookkeeping
  startRun(run: RunStart): Promise<number>;
  /** Records a running run's heartbeat and progress (heartbeatAt = the database's now). */
  heartbeatRun(runId: number, beat: RunBeat): Promise<void>;
  endRun(runId: number, end: RunEnd): Promise<void>;
  /** Records what a running run turned out to be (the finishing of an interrupted full or range run). */
  amendRun(runId: number, amendment: RunAmendment): Promise<void>;
  chainHistory(key: ChainKey): Promise<ChainHistory>;
  /** Runs newest first; `running` runs whose heartbeat is older than the lease are stored as `interrupted` first. */
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

  // --- offline snapshots (src/core/export/snapshot.ts): rows, events and runs stored as the source has them
  /** Upserts elaborated rows with each row's own runId (rows.runId is required). */
  importElaborated(key: ChainKey, rows: ElaboratedColumns): Promise<void>;
  /**
   * Replaces the chain's events of [from, to] (null = unbounded) by `events`,
   * every column as given: runId, createdAt, notification and acknowledgement.
   */
  importEvents(
    key: ChainKey,
    from: number | null,
    to: number | null,
    events: readonly StoredAlarmEvent[],
  ): Promise<void>;
  /** Upserts runs on their runId, every column as given (ids, times, status). */
  importRuns(runs: readonly RunRecord[]): Promise<void>;
  /** Records the start of a snapshot pass (creating catena_snapshot_passes when missing); returns its id. */
  startSnapshotPass(pass: SnapshotPassStart): Promise<number>;
  endSnapshotPass(passId: number, end: SnapshotPassEnd): Promise<void>;
  /** The snapshot passes recorded in this database, newest first; [] when it is not a snapshot. */
  listSnapshotPasses(): Promise<SnapshotPass[]>;
  /** Records in a snapshot the source's datum of a chain (null: the source has none). */
  recordSnapshotDatum(key: ChainKey, datum: number | null): Promise<void>;
  /** The source's datum recorded by a snapshot pass; undefined when none was recorded (not a snapshot). */
  snapshotDatum(key: ChainKey): Promise<number | null | undefined>;

  // --- writing the inputs (demo site, benchmark workloads, tests)
  upsertStation(row: StationRow): Promise<void>;
  /** Replaces the chain's rows in rsn_nodes and rsn_thresholds (ids are assigned). */
  replaceChainConfig(key: ChainKey, nodes: NodeRow[], thresholds: Omit<ThresholdRow, 'id'>[]): Promise<void>;
  /** Bulk insert (or overwrite) raw rows of one chain. */
  writeRaw(key: ChainKey, rows: RawColumns): Promise<void>;
  /** Deletes every row of the chain in every table (demo refresh, tests). */
  deleteChain(key: ChainKey): Promise<void>;
}

// --- notifications (migration 006)

export type NotifyChannel = 'email' | 'webhook';
export const NOTIFY_CHANNELS: readonly NotifyChannel[] = ['email', 'webhook'];

/** A notification rule: null chain or metric = all; matches when max(level, previousLevel) >= minLevel. */
export interface NotifyRuleInput {
  controlUnitCode: string | null;
  chain: string | null;
  minLevel: number;
  metric: string | null;
  channel: NotifyChannel;
  /** an e-mail address or a webhook URL */
  target: string;
}

export interface NotifyRule extends NotifyRuleInput {
  id: number;
  createdAt: number;
}

export type DeliveryStatus = 'claimed' | 'sent' | 'failed';

/** The unique key of a delivery: the event (with its level) and the rule. */
export interface DeliveryKey extends ChainKey {
  metric: string;
  timestamp: number;
  level: number;
  ruleId: number;
}

/** What a delivery sends: its key, the rest of the event, and where it goes. */
export interface DeliveryClaim extends DeliveryKey {
  previousLevel: number;
  nodeIndex: number | null;
  value: number | null;
  channel: NotifyChannel;
  target: string;
}

export interface Delivery extends DeliveryClaim {
  attempts: number;
  status: DeliveryStatus;
  lastError: string | null;
  claimToken: string;
  claimedAt: number;
  sentAt: number | null;
}

export interface DeliveryUpdate {
  attempts: number;
  status: DeliveryStatus;
  lastError: string | null;
}

/** A chain's silence (catena_stale_episodes, 007). */
export interface StaleEpisode extends ChainKey {
  /** the newest raw row when the chain went stale: the episode's key */
  since: number;
  staleAfterHours: number | null;
  /** when a process first saw it (the database's clock) */
  detectedAt: number;
  /** when data was seen back; null while the chain is silent */
  endedAt: number | null;
  /** the newest raw row when data was seen back */
  dataBackAt: number | null;
}

export interface NotifyStore {
  /** Records the chain's episode of silence unless it exists; true when this call inserted it. */
  openStaleEpisode(key: ChainKey, since: number, staleAfterHours: number): Promise<boolean>;
  /** Ends the episode if still open (endedAt = the database's now); true when this call ended it. */
  endStaleEpisode(key: ChainKey, since: number, dataBackAt: number | null): Promise<boolean>;
  /** episodes, newest first; `open`: only those not ended */
  listStaleEpisodes(filter?: { open?: boolean; key?: ChainKey; limit?: number }): Promise<StaleEpisode[]>;
  listNotifyRules(): Promise<NotifyRule[]>;
  addNotifyRule(rule: NotifyRuleInput): Promise<NotifyRule>;
  /** false when there was no such rule */
  removeNotifyRule(id: number): Promise<boolean>;
  /**
   * Inserts each claim unless its key exists (claimed by anyone, ever);
   * returns the claims this call inserted, which are this caller's to send.
   */
  claimDeliveries(claims: readonly DeliveryClaim[], token: string): Promise<DeliveryClaim[]>;
  /** Records an attempt of a delivery still held with `token`; false when the claim was taken over. */
  updateDelivery(key: DeliveryKey, token: string, update: DeliveryUpdate): Promise<boolean>;
  /**
   * Renews (claimedAt = the database's now) every unfinished claim held with
   * `token`; returns how many changed (MySQL does not count a row renewed
   * within the same second).
   */
  renewDeliveryClaims(token: string): Promise<number>;
  /**
   * Takes over deliveries still `claimed` whose claim is older than
   * `olderThanSeconds` on the database's clock (their process died or gave
   * up before sending), each atomically, so two processes never take one.
   */
  takeOverDeliveries(token: string, olderThanSeconds: number, limit?: number): Promise<Delivery[]>;
  listDeliveries(filter?: { status?: DeliveryStatus; limit?: number }): Promise<Delivery[]>;
}
