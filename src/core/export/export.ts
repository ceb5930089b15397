/**
 * Exports of series, alarm events and run history to CSV or XLSX
 * (docs/EXPORTS.md). Rows are written as they are read, a page at a time:
 * memory stays flat whatever the span.
 */
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import { ELABORATED_VALUES, type ElaboratedColumns } from '../domain/columns.ts';
import { RUN_COUNT_NAMES } from '../domain/runs.ts';
import { CatenaError } from '../errors.ts';
import type { RunRecord, Store, StoredAlarmEvent } from '../store/port.ts';
import { ELABORATED_HEADERS, type TimeZoneChoice, timeCell, timeHeader } from './format.ts';
import { DEFAULT_PAGE_ROWS, pageElaborated, selectNodes } from './pager.ts';
import { type Cell, type ExportFormat, openSink, type RowSink } from './sinks.ts';

export type ExportKind = 'series' | 'profiles' | 'events' | 'runs';

export const EXPORT_KINDS: readonly ExportKind[] = ['series', 'profiles', 'events', 'runs'];

export interface ExportProgress {
  kind: ExportKind;
  chain: ChainKey;
  /** rows written so far, all chains */
  rows: number;
  /** how far through this chain (0..1), when known */
  fraction: number | null;
  /** chain n of `chains` (1-based) */
  chainNumber: number;
  chains: number;
}

export interface ExportRequest {
  kind: ExportKind;
  chains: readonly ChainKey[];
  format: ExportFormat;
  out: string;
  /** inclusive bounds, epoch seconds; null = unbounded */
  from?: number | null;
  to?: number | null;
  /** series, profiles: only these nodes (all when empty or absent) */
  nodes?: readonly number[];
  /** profiles: the dates (epoch seconds); each profile is the chain's newest timestamp at or before it */
  at?: readonly number[];
  /** times in UTC (default) or the machine's local time, ISO 8601 either way */
  time?: TimeZoneChoice;
  onProgress?: (progress: ExportProgress) => void;
  signal?: AbortSignal;
  /** rows per read (default 20 000 for series, 5 000 for events) */
  pageRows?: number;
  /** XLSX: rows per sheet before the next sheet starts */
  maxSheetRows?: number;
}

export interface ExportResult {
  kind: ExportKind;
  out: string;
  rows: number;
}

export async function runExport(store: Store, request: ExportRequest): Promise<ExportResult> {
  if (request.chains.length === 0) {
    throw new CatenaError('CHAIN_NOT_FOUND', 'no chain given: pass --chain CU001:A (one or more)');
  }
  const zone = request.time ?? 'utc';
  const writer = WRITERS[request.kind];
  const sink = openSink({
    format: request.format,
    path: request.out,
    header: writer.header(zone),
    sheetName: request.kind,
    maxSheetRows: request.maxSheetRows,
  });
  const counter = { rows: 0 };
  try {
    for (const [i, key] of request.chains.entries()) {
      const report = (fraction: number | null) =>
        request.onProgress?.({
          kind: request.kind,
          chain: key,
          rows: counter.rows,
          fraction,
          chainNumber: i + 1,
          chains: request.chains.length,
        });
      await writer.write(store, key, request, zone, sink, counter, report);
      report(1);
    }
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return { kind: request.kind, out: request.out, rows: counter.rows };
}

interface KindWriter {
  header(zone: TimeZoneChoice): string[];
  write(
    store: Store,
    key: ChainKey,
    request: ExportRequest,
    zone: TimeZoneChoice,
    sink: RowSink,
    counter: { rows: number },
    report: (fraction: number | null) => void,
  ): Promise<void>;
}

// --- elaborated rows (series and profiles)

/** The chain's node depths by node index, and its node count; an unknown chain is refused. */
async function chainNodes(
  store: Store,
  key: ChainKey,
): Promise<{ depth: Map<number, number | null>; nodeCount: number }> {
  const setup = await store.readChainSetup(key);
  if (!setup) throw new CatenaError('CHAIN_NOT_FOUND', `chain ${chainLabel(key)} is not in active_stations`);
  return { depth: new Map(setup.nodes.map((n) => [n.nodeIndex, n.depthM])), nodeCount: setup.nodes.length };
}

/** Row i's node, depth, elaborated values and flags, in the headers' order. */
function nodeRowCells(rows: ElaboratedColumns, i: number, depth: Map<number, number | null>): Cell[] {
  const nodeIndex = rows.nodeIndex[i]!;
  const cells: Cell[] = [nodeIndex, depth.get(nodeIndex) ?? null];
  for (const v of ELABORATED_VALUES) cells.push(rows[v][i]!);
  cells.push(rows.flags[i]!);
  return cells;
}

// --- series

export const SERIES_HEADER = (zone: TimeZoneChoice): string[] => [
  'controlUnitCode',
  'chain',
  timeHeader('time', zone),
  'nodeIndex',
  'depth_m',
  ...ELABORATED_VALUES.map((v) => ELABORATED_HEADERS[v]),
  'flags',
];

const series: KindWriter = {
  header: SERIES_HEADER,
  async write(store, key, request, zone, sink, counter, report) {
    const { depth } = await chainNodes(store, key);
    const nodes = new Set(request.nodes ?? []);
    const pages = pageElaborated(store, key, {
      from: request.from ?? null,
      to: request.to ?? null,
      pageRows: request.pageRows ?? DEFAULT_PAGE_ROWS,
      // one node: the database filters it
      ...(nodes.size === 1 ? { nodeIndex: [...nodes][0]! } : {}),
      signal: request.signal,
    });
    for await (const page of pages) {
      const rows = page.rows;
      for (const i of selectNodes(rows, nodes)) {
        await sink.row([
          key.controlUnitCode,
          key.chain,
          timeCell(rows.timestamp[i]!, zone),
          ...nodeRowCells(rows, i, depth),
        ]);
        counter.rows++;
      }
      report((page.to - page.spanFrom + 1) / (page.spanTo - page.spanFrom + 1));
    }
  },
};

// --- profiles at chosen dates

export const PROFILES_HEADER = (zone: TimeZoneChoice): string[] => [
  'controlUnitCode',
  'chain',
  timeHeader('requested', zone),
  timeHeader('time', zone),
  'nodeIndex',
  'depth_m',
  ...ELABORATED_VALUES.map((v) => ELABORATED_HEADERS[v]),
  'flags',
];

/**
 * For each date of `at`, the chain's profile: every node's row at the newest
 * elaborated timestamp at or before that date, by depth (top first). A date
 * before the chain's first elaborated row is refused with what to do.
 */
const profiles: KindWriter = {
  header: PROFILES_HEADER,
  async write(store, key, request, zone, sink, counter, report) {
    const dates = [...(request.at ?? [])].sort((a, b) => a - b);
    if (dates.length === 0) {
      throw new CatenaError(
        'DATA_INVALID',
        'a profiles export needs a date: pass --at 2026-10-01 (one or more)',
      );
    }
    const { depth, nodeCount } = await chainNodes(store, key);
    const nodes = new Set(request.nodes ?? []);
    for (const [d, at] of dates.entries()) {
      request.signal?.throwIfAborted();
      // the newest rows at or before the date: at most one per node of the chain
      const rows = await store.readElaborated({
        ...key,
        from: null,
        to: at,
        limit: Math.max(1, nodeCount),
      });
      if (rows.length === 0) {
        throw new CatenaError(
          'DATA_INVALID',
          `chain ${chainLabel(key)} has no elaborated rows at or before ${timeCell(at, 'utc')}; choose a later --at`,
          key,
        );
      }
      const time = rows.timestamp[rows.length - 1]!;
      const picked = selectNodes(rows, nodes)
        .filter((i) => rows.timestamp[i] === time)
        .sort(
          (a, b) =>
            (depth.get(rows.nodeIndex[a]!) ?? 0) - (depth.get(rows.nodeIndex[b]!) ?? 0) ||
            rows.nodeIndex[a]! - rows.nodeIndex[b]!,
        );
      for (const i of picked) {
        await sink.row([
          key.controlUnitCode,
          key.chain,
          timeCell(at, zone),
          timeCell(time, zone),
          ...nodeRowCells(rows, i, depth),
        ]);
        counter.rows++;
      }
      report((d + 1) / dates.length);
    }
  },
};

// --- alarm events

export const EVENTS_HEADER = (zone: TimeZoneChoice): string[] => [
  'controlUnitCode',
  'chain',
  'metric',
  timeHeader('time', zone),
  'level',
  'previousLevel',
  'nodeIndex',
  'value_in_metric_unit',
  'runId',
  timeHeader('createdAt', zone),
  timeHeader('notifiedAt', zone),
  timeHeader('acknowledgedAt', zone),
  'acknowledgedBy',
  'ackNote',
];

/** A page of events, oldest first: every event of the chain within [from, to] (null = unbounded). */
export interface EventPage {
  events: StoredAlarmEvent[];
  from: number | null;
  to: number | null;
}

/** Events at one timestamp are at most one per metric, so a page larger than this always advances. */
const MIN_EVENT_PAGE = 8;

/**
 * The chain's events of [from, to], oldest first, a page at a time. The
 * store lists events newest first with a limit: a first pass walks down
 * through time and notes only each page's time window; the second reads the
 * windows again, oldest first.
 */
export async function* pageEvents(
  store: Store,
  key: ChainKey,
  from: number | null,
  to: number | null,
  pageRows = 5000,
  signal?: AbortSignal,
): AsyncGenerator<EventPage> {
  const limit = Math.max(MIN_EVENT_PAGE, pageRows);
  const windows: [number | null, number | null][] = [];
  let hi = to;
  for (;;) {
    signal?.throwIfAborted();
    const page = await store.listEvents({ key, from, to: hi, limit });
    if (page.length < limit) {
      windows.push([from, hi]);
      break;
    }
    const oldest = Math.min(...page.map((e) => e.timestamp));
    windows.push([oldest + 1, hi]);
    hi = oldest;
  }
  for (const [lo, up] of windows.reverse()) {
    signal?.throwIfAborted();
    if (lo !== null && up !== null && lo > up) continue;
    const page = await store.listEvents({ key, from: lo, to: up, limit });
    page.reverse();
    yield { events: page, from: lo, to: up };
  }
}

const events: KindWriter = {
  header: EVENTS_HEADER,
  async write(store, key, request, zone, sink, counter, report) {
    for await (const page of pageEvents(
      store,
      key,
      request.from ?? null,
      request.to ?? null,
      request.pageRows,
      request.signal,
    )) {
      for (const e of page.events) {
        await sink.row([
          e.controlUnitCode,
          e.chain,
          e.metric,
          timeCell(e.timestamp, zone),
          e.level,
          e.previousLevel,
          e.nodeIndex,
          e.value,
          e.runId,
          timeCell(e.createdAt, zone),
          timeCell(e.notifiedAt, zone),
          timeCell(e.acknowledgedAt, zone),
          e.acknowledgedBy,
          e.ackNote,
        ]);
        counter.rows++;
      }
      report(null);
    }
  },
};

// --- run history

export const RUNS_HEADER = (zone: TimeZoneChoice): string[] => [
  'runId',
  'launchId',
  'controlUnitCode',
  'chain',
  'mode',
  'status',
  timeHeader('spanFrom', zone),
  timeHeader('spanTo', zone),
  timeHeader('startedAt', zone),
  timeHeader('endedAt', zone),
  'duration_s',
  'host',
  'phase',
  ...RUN_COUNT_NAMES,
  'errorCode',
  'message',
  'configFingerprint',
  timeHeader('committedTo', zone),
  'resumesRunId',
];

/** The most runs listRuns returns for one chain (the store's own ceiling). */
const RUN_LIMIT = 1_000_000;

/**
 * The chain's runs started within [from, to], oldest first. listRuns has
 * neither a time filter nor a cursor, so one chain's history is read at
 * once (one row per launch: small beside the series).
 */
export async function chainRuns(
  store: Store,
  key: ChainKey,
  from: number | null,
  to: number | null,
): Promise<RunRecord[]> {
  const runs = await store.listRuns({ key, limit: RUN_LIMIT });
  return runs
    .filter((r) => (from === null || r.startedAt >= from) && (to === null || r.startedAt <= to))
    .sort((a, b) => a.startedAt - b.startedAt || a.runId - b.runId);
}

function runCells(r: RunRecord, zone: TimeZoneChoice): Cell[] {
  return [
    r.runId,
    r.launchId,
    r.controlUnitCode,
    r.chain,
    r.mode,
    r.status,
    timeCell(r.spanFrom, zone),
    timeCell(r.spanTo, zone),
    timeCell(r.startedAt, zone),
    timeCell(r.endedAt, zone),
    r.endedAt === null ? null : r.endedAt - r.startedAt,
    r.host,
    r.phase,
    ...RUN_COUNT_NAMES.map((n) => r[n]),
    r.errorCode,
    r.message,
    r.configFingerprint,
    timeCell(r.committedTo, zone),
    r.resumesRunId,
  ];
}

const runs: KindWriter = {
  header: RUNS_HEADER,
  async write(store, key, request, zone, sink, counter, report) {
    const list = await chainRuns(store, key, request.from ?? null, request.to ?? null);
    for (const [i, r] of list.entries()) {
      await sink.row(runCells(r, zone));
      counter.rows++;
      if (i % 1000 === 999) report((i + 1) / list.length);
    }
  },
};

const WRITERS: Record<ExportKind, KindWriter> = { series, profiles, events, runs };
