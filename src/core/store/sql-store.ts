/**
 * The store, once for every database: each method is a query module of
 * queries/ run over a driver and its dialect (dialect.ts, executor.ts).
 */
import type { AlarmEvent } from '../domain/alarms.ts';
import type { ChainKey } from '../domain/chain.ts';
import type { ElaboratedColumns, RawColumns } from '../domain/columns.ts';
import type { ChainSetup, NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
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

export interface SqlStoreOptions {
  info: StoreInfo;
  /** chain locks and run heartbeats stay valid this long without renewal (default 60 s) */
  leaseSeconds?: number;
}

export class SqlStore<T extends Executor = Executor> implements CatenaStore {
  readonly info: StoreInfo;
  readonly leaseSeconds: number;
  readonly #ctx: SqlContext<T>;

  constructor(driver: Driver<T>, dialect: Dialect<T>, options: SqlStoreOptions) {
    this.info = options.info;
    this.leaseSeconds = options.leaseSeconds ?? 60;
    this.#ctx = { driver, dialect, leaseSeconds: this.leaseSeconds, guard: guardWith(dialect) };
  }

  /** The dialect's batch sizes (the engine sizes its batches with them). */
  get sizes(): Dialect['sizes'] {
    return this.#ctx.dialect.sizes;
  }

  /** The bulk write path in use (benchmarks and tests). */
  get writeMethod(): string {
    return this.#ctx.dialect.writeMethod;
  }

  // The queries take the base executor type; a driver of T is one.
  get #base(): SqlContext {
    return this.#ctx as unknown as SqlContext;
  }

  migrate(): Promise<string[]> {
    return schema.migrate(this.#base);
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

  lastElaboratedAt(key: ChainKey, notAfter?: number | null): Promise<number | null> {
    return outputs.lastElaboratedAt(this.#base, key, notAfter);
  }
  writeChunk(chunk: WriteChunk): Promise<WriteResult> {
    return outputs.writeChunk(this.#base, chunk);
  }
  markNotified(key: ChainKey, events: readonly AlarmEvent[], at: number): Promise<void> {
    return outputs.markNotified(this.#base, key, events, at);
  }
  acknowledgeEvents(ack: EventAcknowledgement): Promise<number> {
    return outputs.acknowledgeEvents(this.#base, ack);
  }
  lockChain(key: ChainKey, holder: LockHolder): Promise<ChainLock | null> {
    return locks.lockChain(this.#base, key, holder);
  }

  startRun(run: RunStart): Promise<number> {
    return runs.startRun(this.#base, run);
  }
  heartbeatRun(runId: number, beat: RunBeat): Promise<void> {
    return runs.heartbeatRun(this.#base, runId, beat);
  }
  endRun(runId: number, end: RunEnd): Promise<void> {
    return runs.endRun(this.#base, runId, end);
  }
  amendRun(runId: number, amendment: RunAmendment): Promise<void> {
    return runs.amendRun(this.#base, runId, amendment);
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

  upsertStation(row: StationRow): Promise<void> {
    return site.upsertStation(this.#base, row);
  }
  replaceChainConfig(key: ChainKey, nodes: NodeRow[], thresholds: Omit<ThresholdRow, 'id'>[]): Promise<void> {
    return site.replaceChainConfig(this.#base, key, nodes, thresholds);
  }
  writeRaw(key: ChainKey, rows: RawColumns): Promise<void> {
    return site.writeRaw(this.#base, key, rows);
  }
  deleteChain(key: ChainKey): Promise<void> {
    return site.deleteChain(this.#base, key);
  }

  listNotifyRules(): Promise<NotifyRule[]> {
    return notify.listNotifyRules(this.#base);
  }
  addNotifyRule(rule: NotifyRuleInput): Promise<NotifyRule> {
    return notify.addNotifyRule(this.#base, rule);
  }
  removeNotifyRule(id: number): Promise<boolean> {
    return notify.removeNotifyRule(this.#base, id);
  }
  claimDeliveries(claims: readonly DeliveryClaim[], token: string): Promise<DeliveryClaim[]> {
    return notify.claimDeliveries(this.#base, claims, token);
  }
  updateDelivery(key: DeliveryKey, token: string, update: DeliveryUpdate): Promise<boolean> {
    return notify.updateDelivery(this.#base, key, token, update);
  }
  renewDeliveryClaims(token: string): Promise<number> {
    return notify.renewDeliveryClaims(this.#base, token);
  }
  takeOverDeliveries(token: string, olderThanSeconds: number, limit?: number): Promise<Delivery[]> {
    return notify.takeOverDeliveries(this.#base, token, olderThanSeconds, limit);
  }
  listDeliveries(filter?: { status?: DeliveryStatus; limit?: number }): Promise<Delivery[]> {
    return notify.listDeliveries(this.#base, filter);
  }
  openStaleEpisode(key: ChainKey, since: number, staleAfterHours: number): Promise<boolean> {
    return notify.openStaleEpisode(this.#base, key, since, staleAfterHours);
  }
  endStaleEpisode(key: ChainKey, since: number, dataBackAt: number | null): Promise<boolean> {
    return notify.endStaleEpisode(this.#base, key, since, dataBackAt);
  }
  listStaleEpisodes(filter?: { open?: boolean; key?: ChainKey; limit?: number }): Promise<StaleEpisode[]> {
    return notify.listStaleEpisodes(this.#base, filter);
  }
}
