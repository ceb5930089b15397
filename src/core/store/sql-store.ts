/**
 * The store, once for every database: each method is a query module of
 * queries/ run over a driver and its dialect (dialect.ts, executor.ts).
 */
import type { AlarmEvent } from '../domain/alarms.ts';
import type { ChainKey } from '../domain/chain.ts';
import type { ElaboratedColumns, RawColumns } from '../domain/columns.ts';
import type { ChainSetup, NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import { CatenaError } from '../errors.ts';
import { guardWith, type SqlContext } from './context.ts';
import type { Dialect } from './dialect.ts';
import type { Driver, Executor } from './executor.ts';
import type { CatenaStore, SchemaProblems } from './migrations.ts';
import type {
  ChainHistory,
  ChainLock,
  ChainSummary,
  Delivery,
  DeliveryClaim,
  DeliveryKey,
  DeliveryStatus,
  DeliveryUpdate,
  EventAcknowledgement,
  FlagCountQuery,
  LockHolder,
  NodeFlagCounts,
  NodeRawRow,
  NodeRawSpan,
  NotifyRule,
  NotifyRuleInput,
  RawSpan,
  ReadRawOptions,
  RunAmendment,
  RunBeat,
  RunEnd,
  RunRecord,
  RunStart,
  SeriesQuery,
  SnapshotPass,
  SnapshotPassEnd,
  SnapshotPassStart,
  StaleEpisode,
  StoredAlarmEvent,
  StoreInfo,
  WriteChunk,
  WriteResult,
} from './port.ts';
import * as chains from './queries/chains.ts';
import * as locks from './queries/locks.ts';
import * as notify from './queries/notify.ts';
import * as outputs from './queries/outputs.ts';
import * as raw from './queries/raw.ts';
import * as results from './queries/results.ts';
import * as runs from './queries/runs.ts';
import * as schema from './queries/schema.ts';
import * as site from './queries/site.ts';
import * as snapshot from './queries/snapshot.ts';

export interface SqlStoreOptions {
  info: StoreInfo;
  /** chain locks and run heartbeats stay valid this long without renewal (default 60 s) */
  leaseSeconds?: number;
}

export class SqlStore<T extends Executor = Executor> implements CatenaStore {
  readonly leaseSeconds: number;
  #info: StoreInfo;
  readonly #ctx: SqlContext<T>;

  constructor(driver: Driver<T>, dialect: Dialect<T>, options: SqlStoreOptions) {
    this.#info = options.info;
    this.leaseSeconds = options.leaseSeconds ?? 60;
    this.#ctx = {
      driver,
      dialect,
      leaseSeconds: this.leaseSeconds,
      guard: guardWith(dialect),
      readOnly: false,
    };
  }

  get info(): StoreInfo {
    return this.#info;
  }

  /**
   * From now on every write is refused with READ_ONLY (an offline snapshot):
   * runs are read as they were stored (none is marked interrupted), and the
   * database itself refuses changes where it can (SQLite's query_only).
   */
  async enterReadOnly(): Promise<void> {
    if (this.#info.kind === 'sqlite') await this.#ctx.driver.run('PRAGMA query_only = ON');
    this.#ctx.readOnly = true;
    this.#info = { ...this.#info, readOnly: true };
  }

  /** Refuses a write on a read-only store, with the sentence the operator sees. */
  #writable(doing: string): void {
    if (!this.#ctx.readOnly) return;
    throw new CatenaError(
      'READ_ONLY',
      `${this.#info.location} is an offline snapshot, opened read-only: it cannot be changed by ${doing}. ` +
        'Connect to the monitoring database to do that, or take the snapshot again to update it.',
    );
  }

  /** The dialect's batch sizes (the engine sizes its batches with them). */
  get sizes(): Dialect['sizes'] {
    return this.#ctx.dialect.sizes;
  }

  /** The bulk write path in use (benchmarks and tests). */
  get writeMethod(): string {
    return this.#ctx.dialect.writeMethod;
  }

  #guardWrite<R>(doing: string, fn: () => Promise<R>): Promise<R> {
    try {
      this.#writable(doing);
    } catch (error) {
      return Promise.reject(error);
    }
    return fn();
  }

  // The queries take the base executor type; a driver of T is one.
  get #base(): SqlContext {
    return this.#ctx as unknown as SqlContext;
  }

  migrate(): Promise<string[]> {
    return this.#guardWrite('migrating the schema', () => schema.migrate(this.#base));
  }
  schemaStatus(): Promise<SchemaProblems> {
    return schema.schemaStatus(this.#base);
  }
  close(): Promise<void> {
    return this.#ctx.driver.close();
  }

  listChains(): Promise<ChainSummary[]> {
    return chains.listChains(this.#base);
  }
  readChainSetup(key: ChainKey): Promise<ChainSetup | null> {
    return chains.readChainSetup(this.#base, key);
  }
  readRaw(span: RawSpan, options?: ReadRawOptions): AsyncIterable<RawColumns> {
    return raw.readRaw(this.#base, span, options);
  }
  chainTimestamps(span: RawSpan, nodes: readonly number[]): Promise<Float64Array> {
    return raw.chainTimestamps(this.#base, span, nodes);
  }
  lastChainTimestampBefore(key: ChainKey, before: number, nodes: readonly number[]): Promise<number | null> {
    return raw.lastChainTimestampBefore(this.#base, key, before, nodes);
  }
  firstChainTimestamp(
    key: ChainKey,
    nodes: readonly number[],
    notBefore?: number | null,
  ): Promise<number | null> {
    return raw.firstChainTimestamp(this.#base, key, nodes, notBefore);
  }
  countRawOutsideTimes(key: ChainKey, from: number, to: number): Promise<number> {
    return raw.countRawOutsideTimes(this.#base, key, from, to);
  }
  databaseNow(): Promise<number> {
    return raw.databaseNow(this.#base);
  }
  countRawOutside(span: RawSpan, nodes: readonly number[]): Promise<number> {
    return raw.countRawOutside(this.#base, span, nodes);
  }
  readNodeRaw(key: ChainKey, nodeIndex: number, span: NodeRawSpan, limit: number): Promise<NodeRawRow[]> {
    return raw.readNodeRaw(this.#base, key, nodeIndex, span, limit);
  }

  lastElaboratedAt(key: ChainKey, notAfter?: number | null): Promise<number | null> {
    return outputs.lastElaboratedAt(this.#base, key, notAfter);
  }
  writeChunk(chunk: WriteChunk): Promise<WriteResult> {
    return this.#guardWrite('writing elaborated rows', () => outputs.writeChunk(this.#base, chunk));
  }
  markNotified(key: ChainKey, events: readonly AlarmEvent[], at: number): Promise<void> {
    return this.#guardWrite('recording notifications', () =>
      outputs.markNotified(this.#base, key, events, at),
    );
  }
  acknowledgeEvents(ack: EventAcknowledgement): Promise<number> {
    return this.#guardWrite('acknowledging alarm events', () => outputs.acknowledgeEvents(this.#base, ack));
  }
  lockChain(key: ChainKey, holder: LockHolder): Promise<ChainLock | null> {
    return this.#guardWrite('an elaboration', () => locks.lockChain(this.#base, key, holder));
  }

  startRun(run: RunStart): Promise<number> {
    return this.#guardWrite('an elaboration', () => runs.startRun(this.#base, run));
  }
  heartbeatRun(runId: number, beat: RunBeat): Promise<void> {
    return this.#guardWrite('an elaboration', () => runs.heartbeatRun(this.#base, runId, beat));
  }
  endRun(runId: number, end: RunEnd): Promise<void> {
    return this.#guardWrite('an elaboration', () => runs.endRun(this.#base, runId, end));
  }
  amendRun(runId: number, amendment: RunAmendment): Promise<void> {
    return this.#guardWrite('an elaboration', () => runs.amendRun(this.#base, runId, amendment));
  }
  chainHistory(key: ChainKey): Promise<ChainHistory> {
    return runs.chainHistory(this.#base, key);
  }
  listRuns(filter?: runs.RunFilter): Promise<RunRecord[]> {
    return runs.listRuns(this.#base, filter);
  }

  readElaborated(query: SeriesQuery): Promise<ElaboratedColumns> {
    return results.readElaborated(this.#base, query);
  }
  flagCounts(query: FlagCountQuery): Promise<NodeFlagCounts[]> {
    return results.flagCounts(this.#base, query);
  }
  listEvents(filter: results.EventFilter): Promise<StoredAlarmEvent[]> {
    return results.listEvents(this.#base, filter);
  }

  importElaborated(key: ChainKey, rows: ElaboratedColumns): Promise<void> {
    return this.#guardWrite('importing elaborated rows', () =>
      snapshot.importElaborated(this.#base, key, rows),
    );
  }
  importEvents(
    key: ChainKey,
    from: number | null,
    to: number | null,
    events: readonly StoredAlarmEvent[],
  ): Promise<void> {
    return this.#guardWrite('importing alarm events', () =>
      snapshot.importEvents(this.#base, key, from, to, events),
    );
  }
  importRuns(runs: readonly RunRecord[]): Promise<void> {
    return this.#guardWrite('importing runs', () => snapshot.importRuns(this.#base, runs));
  }
  startSnapshotPass(pass: SnapshotPassStart): Promise<number> {
    return this.#guardWrite('taking a snapshot into it', () => snapshot.startSnapshotPass(this.#base, pass));
  }
  endSnapshotPass(passId: number, end: SnapshotPassEnd): Promise<void> {
    return this.#guardWrite('taking a snapshot into it', () =>
      snapshot.endSnapshotPass(this.#base, passId, end),
    );
  }
  listSnapshotPasses(): Promise<SnapshotPass[]> {
    return snapshot.listSnapshotPasses(this.#base);
  }
  recordSnapshotDatum(key: ChainKey, datum: number | null): Promise<void> {
    return this.#guardWrite('taking a snapshot into it', () =>
      snapshot.recordSnapshotDatum(this.#base, key, datum),
    );
  }
  snapshotDatum(key: ChainKey): Promise<number | null | undefined> {
    return snapshot.snapshotDatum(this.#base, key);
  }

  upsertStation(row: StationRow): Promise<void> {
    return this.#guardWrite('changing the configuration', () => site.upsertStation(this.#base, row));
  }
  replaceChainConfig(key: ChainKey, nodes: NodeRow[], thresholds: Omit<ThresholdRow, 'id'>[]): Promise<void> {
    return this.#guardWrite('changing the configuration', () =>
      site.replaceChainConfig(this.#base, key, nodes, thresholds),
    );
  }
  writeRaw(key: ChainKey, rows: RawColumns): Promise<void> {
    return this.#guardWrite('writing raw readings', () => site.writeRaw(this.#base, key, rows));
  }
  deleteChain(key: ChainKey): Promise<void> {
    return this.#guardWrite('deleting a chain', () => site.deleteChain(this.#base, key));
  }

  listNotifyRules(): Promise<NotifyRule[]> {
    return notify.listNotifyRules(this.#base);
  }
  addNotifyRule(rule: NotifyRuleInput): Promise<NotifyRule> {
    return this.#guardWrite('adding a notification rule', () => notify.addNotifyRule(this.#base, rule));
  }
  removeNotifyRule(id: number): Promise<boolean> {
    return this.#guardWrite('removing a notification rule', () => notify.removeNotifyRule(this.#base, id));
  }
  claimDeliveries(claims: readonly DeliveryClaim[], token: string): Promise<DeliveryClaim[]> {
    return this.#guardWrite('sending notifications', () => notify.claimDeliveries(this.#base, claims, token));
  }
  updateDelivery(key: DeliveryKey, token: string, update: DeliveryUpdate): Promise<boolean> {
    return this.#guardWrite('sending notifications', () =>
      notify.updateDelivery(this.#base, key, token, update),
    );
  }
  renewDeliveryClaims(token: string): Promise<number> {
    return this.#guardWrite('sending notifications', () => notify.renewDeliveryClaims(this.#base, token));
  }
  takeOverDeliveries(token: string, olderThanSeconds: number, limit?: number): Promise<Delivery[]> {
    return this.#guardWrite('sending notifications', () =>
      notify.takeOverDeliveries(this.#base, token, olderThanSeconds, limit),
    );
  }
  listDeliveries(filter?: { status?: DeliveryStatus; limit?: number }): Promise<Delivery[]> {
    return notify.listDeliveries(this.#base, filter);
  }
  openStaleEpisode(key: ChainKey, since: number, staleAfterHours: number): Promise<boolean> {
    return this.#guardWrite('recording stale data', () =>
      notify.openStaleEpisode(this.#base, key, since, staleAfterHours),
    );
  }
  endStaleEpisode(key: ChainKey, since: number, dataBackAt: number | null): Promise<boolean> {
    return this.#guardWrite('recording stale data', () =>
      notify.endStaleEpisode(this.#base, key, since, dataBackAt),
    );
  }
  listStaleEpisodes(filter?: { open?: boolean; key?: ChainKey; limit?: number }): Promise<StaleEpisode[]> {
    return notify.listStaleEpisodes(this.#base, filter);
  }
}
