/**
 * The stations overview: each chain's state at a glance (current alarm level
 * per metric, data freshness, last run), folded from what the contract gives
 * (listChains, listRuns, events). Pure functions, tested through the e2e suite.
 */
import type { ChainOverview, Metric, RunRecord, StoredAlarmEvent } from '../../../contract/types.ts';
import { chainLabel } from '../../../contract/types.ts';
import { i18n } from '../i18n/index.ts';

/** The alarm metrics, in the order of ELABORATION.md §4 (the columns of the table). */
export const METRICS = [
  { metric: 'cumulative_mm', label: 'cumulative', short: 'Cumul.', unit: 'mm' },
  { metric: 'velocity_mm_per_day', label: 'velocity', short: 'Velocity', unit: 'mm/day' },
  { metric: 'tilt_deg', label: 'tilt', short: 'Tilt', unit: '°' },
] as const satisfies readonly { metric: Metric; label: string; short: string; unit: string }[];

export function metricInfo(metric: string): { label: string; unit: string } {
  const m = METRICS.find((x) => x.metric === metric);
  return m ? { label: metricName(m.metric), unit: metricUnit(m.metric) } : { label: metric, unit: '' };
}

/** `cumulative`, `cumulato`: the metric's name in the console's language */
export function metricName(metric: Metric): string {
  return i18n.t(`metrics.${metric}.label`);
}

/** the column head: `Cumul.`, `Velocità` */
export function metricShort(metric: Metric): string {
  return i18n.t(`metrics.${metric}.short`);
}

export function metricUnit(metric: Metric): string {
  return i18n.t(`metrics.${metric}.unit`);
}

/** Level words of ELABORATION.md §4: 1 = attention, 2 = pre-alarm, 3 = alarm. */
export function levelWord(level: number | null): string {
  if (level === null) return i18n.t('levels.unknown');
  if (level <= 0) return i18n.t('levels.normal');
  if (level === 1) return i18n.t('levels.attention');
  if (level === 2) return i18n.t('levels.preAlarm');
  if (level === 3) return i18n.t('levels.alarm');
  return i18n.t('levels.level', { level });
}

/**
 * When the chain's configuration does not say (`staleAfterHours`, DATA_MODEL
 * v2): data older than this is stale. listChains does not carry the chain's
 * `staleAfterHours` today, so this default applies to every chain until it
 * does; the chain's own value is used as soon as the summary includes it.
 */
export const DEFAULT_STALE_AFTER_HOURS = 24;

/** Events fetched per chain to find its current levels (newest first). */
export const LEVEL_EVENTS_LIMIT = 500;

/** A chain's current level per metric, from its newest events. */
export interface ChainLevels {
  /** per metric of METRICS: the level of its newest event; 0 when it has none; null when unknown */
  levels: (number | null)[];
  /** the chain's last elaborated timestamp the levels hold at */
  asOf: number | null;
}

/**
 * The newest event of each metric gives its current level (an event is a
 * change of the chain's level). A metric without any event is at 0, unless
 * the list was cut at `limit`, when its level is not known from it.
 */
export function currentLevels(
  events: readonly StoredAlarmEvent[],
  limit: number,
  asOf: number | null,
): ChainLevels {
  const levels = METRICS.map(({ metric }) => {
    const newest = events.find((e) => e.metric === metric);
    if (newest) return newest.level;
    return events.length >= limit ? null : 0;
  });
  return { levels, asOf };
}

export type StateFilter = 'all' | 'alarm' | 'stale' | 'failed' | 'ok';

export const STATE_FILTERS: readonly StateFilter[] = ['all', 'alarm', 'stale', 'failed', 'ok'];

/** `any state`, `in alarm`, … in the console's language */
export function stateFilterLabel(filter: StateFilter): string {
  return i18n.t(`stateFilters.${filter}`);
}

export interface OverviewFilter {
  site: string;
  unit: string;
  state: StateFilter;
}

export type OverviewSort = 'worst' | 'name';

export const NO_FILTER: OverviewFilter = { site: '', unit: '', state: 'all' };

export interface OverviewRow {
  label: string;
  summary: ChainOverview;
  /** null while the chain's events are loading; levels per metric of METRICS */
  levels: ChainLevels | null;
  /** the highest known level over the metrics (0 when none is known) */
  worst: number;
  staleAfterHours: number;
  /** seconds since the newest raw row, null when the chain has none */
  dataAge: number | null;
  stale: boolean;
  lastRun: RunRecord | undefined;
  /** seconds since the last run started */
  runAge: number | null;
  failed: boolean;
  /** raw data not yet elaborated */
  behind: boolean;
}

export function overviewRow(
  summary: ChainOverview,
  levels: ChainLevels | null,
  lastRun: RunRecord | undefined,
  nowSeconds: number,
): OverviewRow {
  // The service gives the chain's limit (its own, or twice its median sampling interval)
  const own = summary.staleAfterHours;
  const staleAfterHours = typeof own === 'number' && own > 0 ? own : DEFAULT_STALE_AFTER_HOURS;
  const dataAge = summary.lastRawAt === null ? null : Math.max(0, nowSeconds - summary.lastRawAt);
  const known = (levels?.levels ?? []).filter((l): l is number => l !== null);
  return {
    label: chainLabel(summary),
    summary,
    levels,
    worst: known.length > 0 ? Math.max(0, ...known) : 0,
    staleAfterHours,
    dataAge,
    stale: dataAge === null || dataAge > staleAfterHours * 3600,
    lastRun,
    runAge: lastRun ? Math.max(0, nowSeconds - lastRun.startedAt) : null,
    failed: lastRun?.status === 'failed',
    behind:
      summary.lastRawAt !== null &&
      (summary.lastElaboratedAt === null || summary.lastElaboratedAt < summary.lastRawAt),
  };
}

export function matchesState(row: OverviewRow, state: StateFilter): boolean {
  switch (state) {
    case 'all':
      return true;
    case 'alarm':
      return row.worst > 0;
    case 'stale':
      return row.stale;
    case 'failed':
      return row.failed;
    case 'ok':
      return row.worst === 0 && !row.stale && !row.failed;
  }
}

export function filterRows(rows: readonly OverviewRow[], filter: OverviewFilter): OverviewRow[] {
  return rows.filter(
    (r) =>
      (filter.site === '' || (r.summary.siteName ?? '') === filter.site) &&
      (filter.unit === '' || r.summary.controlUnitCode === filter.unit) &&
      matchesState(r, filter.state),
  );
}

/** Worst first: highest alarm level, then a failed last run, then stale data, then behind; then by name. */
export function compareWorst(a: OverviewRow, b: OverviewRow): number {
  return (
    b.worst - a.worst ||
    Number(b.failed) - Number(a.failed) ||
    Number(b.stale) - Number(a.stale) ||
    Number(b.behind) - Number(a.behind) ||
    Number(b.summary.active) - Number(a.summary.active) ||
    compareName(a, b)
  );
}

export function compareName(a: OverviewRow, b: OverviewRow): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

export function sortRows(rows: readonly OverviewRow[], sort: OverviewSort): OverviewRow[] {
  return [...rows].sort(sort === 'worst' ? compareWorst : compareName);
}

export interface OverviewCounts {
  alarm: number;
  /** chains per worst level 1..3+ */
  byLevel: number[];
  stale: number;
  failed: number;
}

export function countRows(rows: readonly OverviewRow[]): OverviewCounts {
  const byLevel = [0, 0, 0, 0];
  let stale = 0;
  let failed = 0;
  for (const r of rows) {
    if (r.worst > 0) byLevel[Math.min(3, r.worst)]!++;
    if (r.stale) stale++;
    if (r.failed) failed++;
  }
  return { alarm: byLevel[1]! + byLevel[2]! + byLevel[3]!, byLevel, stale, failed };
}

/** "just now", "12 min ago", "5 h ago", "31 d ago". */
/** How long a stale chain has had no data: "45 min", "3 h 20 min", "31 d 4 h". */
export function fmtNoDataFor(seconds: number): string {
  const minutes = Math.max(0, Math.floor(seconds / 60));
  if (minutes < 60) return i18n.t('age.minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24)
    return minutes % 60 === 0
      ? i18n.t('age.hours', { hours })
      : i18n.t('age.hoursMinutes', { hours, minutes: minutes % 60 });
  const days = Math.floor(hours / 24);
  return hours % 24 === 0
    ? i18n.t('age.days', { days })
    : i18n.t('age.daysHours', { days, hours: hours % 24 });
}

export function fmtAge(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return i18n.t('age.never');
  if (seconds < 60) return i18n.t('age.justNow');
  if (seconds < 3600) return i18n.t('age.minutesAgo', { n: Math.floor(seconds / 60) });
  if (seconds < 48 * 3600) return i18n.t('age.hoursAgo', { n: Math.floor(seconds / 3600) });
  return i18n.t('age.daysAgo', { n: Math.floor(seconds / 86400) });
}
