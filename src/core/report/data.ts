/**
 * What a chain report shows, gathered through the Store port only (no SQL
 * here): the chain's configuration, profiles at chosen dates, series of
 * chosen nodes, alarm events with acknowledgements, flag counts and the last
 * run. Pure data, drawn by pdf.ts.
 */
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { ElaboratedColumns } from '../domain/columns.ts';
import type { ChainSetup, ThresholdRow } from '../domain/configuration.ts';
import { CatenaError } from '../errors.ts';
import type { Lang } from '../lang.ts';
import type { NodeFlagCounts, RunRecord, Store, StoredAlarmEvent, StoreInfo } from '../store/port.ts';

export interface ReportOptions {
  key: ChainKey;
  /** inclusive, epoch seconds; default: the chain's first elaborated row */
  from?: number | null;
  /** inclusive, epoch seconds; default: the chain's last elaborated row */
  to?: number | null;
  /** profile dates (epoch seconds); default: the reference, mid-period and the latest */
  dates?: readonly number[];
  /** nodes whose series are drawn; default: the node that moved most and the top node */
  nodes?: readonly number[];
  /** the language the report is written in (default en) */
  lang?: Lang;
  /** hears each step (for a progress line) */
  onProgress?: (step: string) => void;
  signal?: AbortSignal;
}

/** One node's values in a profile (NaN = null). */
export interface ProfilePoint {
  nodeIndex: number;
  /** depthM, or the node index when the depth is not configured */
  depth: number;
  cumX: number;
  cumY: number;
  cumR: number;
  dispX: number;
  dispY: number;
}

export interface Profile {
  /** the date asked for */
  asked: number;
  /** the elaborated timestamp shown: the last one at or before `asked` */
  at: number;
  /** why the date was chosen (`reference`, `mid-period`, `latest`, `chosen`) */
  label: string;
  points: ProfilePoint[];
}

export interface NodeSeries {
  nodeIndex: number;
  depth: number;
  /** why it is in the report (`largest displacement`, `top node`, `chosen`) */
  reason: string;
  timestamp: Float64Array;
  cumX: Float64Array;
  cumY: Float64Array;
  cumR: Float64Array;
  /** rows in the period (the drawing may thin them) */
  rows: number;
  /** the cumulative_mm thresholds that apply to this node (its own, else the chain's) */
  thresholds: ThresholdRow[];
}

export interface ReportData {
  key: ChainKey;
  lang: Lang;
  label: string;
  setup: ChainSetup;
  store: StoreInfo;
  from: number;
  to: number;
  /** epoch seconds of the database's clock when the report was made */
  generatedAt: number;
  depthsConfigured: boolean;
  profiles: Profile[];
  series: NodeSeries[];
  /** oldest first */
  events: StoredAlarmEvent[];
  /** the period has more than EVENT_LIMIT events: the oldest are left out */
  eventsTruncated: boolean;
  quality: NodeFlagCounts[];
  lastRun: RunRecord | null;
}

export const EVENT_LIMIT = 2_000;
/** rows of one node's series read at most (the newest kept when cut) */
const SERIES_LIMIT = 200_000;

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new CatenaError('CANCELLED', 'the report was cancelled');
}

export async function gatherReportData(store: Store, options: ReportOptions): Promise<ReportData> {
  const { key, signal } = options;
  const label = chainLabel(key);
  const step = (text: string) => options.onProgress?.(text);
  step('configuration');
  const setup = await store.readChainSetup(key);
  if (!setup) {
    throw new CatenaError(
      'CHAIN_NOT_FOUND',
      `chain ${label} is not in active_stations; check the control unit code and the chain letter`,
      key,
    );
  }
  const askedFrom = options.from ?? null;
  const askedTo = options.to ?? null;
  if (askedFrom !== null && askedTo !== null && askedFrom > askedTo) {
    throw new CatenaError('DATA_INVALID', `the period of the report of ${label} ends before it starts`, key);
  }
  const known = new Set(setup.nodes.map((n) => n.nodeIndex));
  for (const n of options.nodes ?? []) {
    if (!known.has(n)) {
      throw new CatenaError(
        'DATA_INVALID',
        `chain ${label} has no node ${n}; its nodes are ${[...known].sort((a, b) => a - b).join(', ')}`,
        key,
      );
    }
  }
  checkAborted(signal);
  step('data quality');
  const quality = await store.flagCounts({ key, from: askedFrom, to: askedTo });
  const withRows = quality.filter((q) => q.rows > 0);
  if (withRows.length === 0) {
    throw new CatenaError(
      'DATA_INVALID',
      askedFrom === null && askedTo === null
        ? `chain ${label} has no elaborated rows yet; elaborate it before making a report`
        : `chain ${label} has no elaborated rows between ${askedFrom === null ? 'the start' : isoMinute(askedFrom)} and ${askedTo === null ? 'the end' : isoMinute(askedTo)}; choose another period`,
      key,
    );
  }
  const firstAt = Math.min(...withRows.map((q) => q.firstAt));
  const lastAt = Math.max(...withRows.map((q) => q.lastAt));
  const from = askedFrom ?? firstAt;
  const to = askedTo ?? lastAt;
  const generatedAt = await store.databaseNow();

  const depthOf = new Map<number, number>();
  let depthsConfigured = setup.nodes.length > 0;
  for (const n of setup.nodes) {
    if (n.depthM === null || !Number.isFinite(n.depthM)) depthsConfigured = false;
  }
  for (const n of setup.nodes) depthOf.set(n.nodeIndex, depthsConfigured ? n.depthM! : n.nodeIndex);
  const depth = (nodeIndex: number) => depthOf.get(nodeIndex) ?? nodeIndex;

  // profiles
  const reference = setup.station.referenceTime;
  const asked: { at: number; label: string }[] = options.dates?.length
    ? options.dates.map((at) => ({ at, label: 'chosen' }))
    : [
        {
          at: reference !== null && reference >= firstAt && reference <= to ? reference : firstAt,
          label: 'reference',
        },
        { at: Math.round((Math.max(from, firstAt) + Math.min(to, lastAt)) / 2), label: 'mid-period' },
        { at: Math.min(to, lastAt), label: 'latest' },
      ];
  if (!options.dates?.length && reference !== null && (reference < firstAt || reference > to)) {
    asked[0]!.label = 'first elaborated';
  }
  const profiles: Profile[] = [];
  const nodeCount = Math.max(1, setup.nodes.length);
  for (const date of asked) {
    checkAborted(signal);
    step(`profile at ${isoMinute(date.at)}`);
    const rows = await store.readElaborated({ ...key, from: null, to: date.at, limit: nodeCount * 4 });
    if (rows.length === 0) {
      throw new CatenaError(
        'DATA_INVALID',
        `chain ${label} has no elaborated row at or before ${isoMinute(date.at)}; choose a later profile date`,
        key,
      );
    }
    const at = rows.timestamp[rows.length - 1]!;
    profiles.push({ asked: date.at, at, label: date.label, points: profileAt(rows, at, depth) });
  }

  // the nodes whose series are drawn
  const chosen: { nodeIndex: number; reason: string }[] = [];
  if (options.nodes?.length) {
    for (const n of options.nodes) {
      if (!chosen.some((c) => c.nodeIndex === n)) chosen.push({ nodeIndex: n, reason: 'chosen' });
    }
  } else {
    const latest = profiles[profiles.length - 1]!;
    let most: ProfilePoint | null = null;
    for (const p of latest.points) {
      if (Number.isFinite(p.cumR) && (most === null || p.cumR > most.cumR)) most = p;
    }
    const top = [...setup.nodes].sort((a, b) => depth(a.nodeIndex) - depth(b.nodeIndex))[0];
    if (most) chosen.push({ nodeIndex: most.nodeIndex, reason: 'largest displacement' });
    if (top && top.nodeIndex !== most?.nodeIndex)
      chosen.push({ nodeIndex: top.nodeIndex, reason: 'top node' });
  }
  const series: NodeSeries[] = [];
  for (const c of chosen) {
    checkAborted(signal);
    step(`series of node ${c.nodeIndex}`);
    const rows = await store.readElaborated({
      ...key,
      nodeIndex: c.nodeIndex,
      from,
      to,
      limit: SERIES_LIMIT,
    });
    const own = setup.thresholds.filter((t) => t.metric === 'cumulative_mm' && t.nodeIndex === c.nodeIndex);
    const chainWide = setup.thresholds.filter((t) => t.metric === 'cumulative_mm' && t.nodeIndex === null);
    series.push({
      nodeIndex: c.nodeIndex,
      depth: depth(c.nodeIndex),
      reason: c.reason,
      timestamp: rows.timestamp,
      cumX: rows.cumX,
      cumY: rows.cumY,
      cumR: rows.cumR,
      rows: rows.length,
      thresholds: (own.length > 0 ? own : chainWide).sort((a, b) => a.level - b.level),
    });
  }

  checkAborted(signal);
  step('alarm events');
  const newestFirst = await store.listEvents({ key, from, to, limit: EVENT_LIMIT + 1 });
  const eventsTruncated = newestFirst.length > EVENT_LIMIT;
  const events = newestFirst.slice(0, EVENT_LIMIT).reverse();
  step('run history');
  const [lastRun] = await store.listRuns({ key, limit: 1 });

  return {
    key,
    lang: options.lang ?? 'en',
    label,
    setup,
    store: store.info,
    from,
    to,
    generatedAt,
    depthsConfigured,
    profiles,
    series,
    events,
    eventsTruncated,
    quality,
    lastRun: lastRun ?? null,
  };
}

function profileAt(rows: ElaboratedColumns, at: number, depth: (n: number) => number): ProfilePoint[] {
  const points: ProfilePoint[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (rows.timestamp[i] !== at) continue;
    const nodeIndex = rows.nodeIndex[i]!;
    points.push({
      nodeIndex,
      depth: depth(nodeIndex),
      cumX: rows.cumX[i]!,
      cumY: rows.cumY[i]!,
      cumR: rows.cumR[i]!,
      dispX: rows.dispX[i]!,
      dispY: rows.dispY[i]!,
    });
  }
  return points.sort((a, b) => a.depth - b.depth);
}

/** `2026-10-01 12:00 UTC`. */
export function isoMinute(t: number): string {
  return `${new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
