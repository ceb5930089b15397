import { type KeyboardEvent, memo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChainKey, ChainOverview } from '../../../contract/types.ts';
import { fmtDate, fmtInt, fmtTime } from '../format.ts';
import {
  DEFAULT_STALE_AFTER_HOURS,
  fmtAge,
  fmtNoDataFor,
  levelWord,
  METRICS,
  metricName,
  metricShort,
  metricUnit,
  type OverviewFilter,
  type OverviewRow,
  type OverviewSort,
  STATE_FILTERS,
  type StateFilter,
  stateFilterLabel,
} from '../state/overview.ts';
import { runOutcome, StatusBadge } from './StatusBadge.tsx';

const COLUMNS = 7 + METRICS.length;

/**
 * The stations overview: one row per chain with its current alarm level per
 * metric, data freshness and last run. Keyboard: the rows are one tab stop
 * (roving tabindex); ↑/↓/Home/End move, Space ticks the chain for a launch,
 * Enter opens its results.
 */
export const StationsTable = memo(function StationsTable(props: {
  /** filtered and sorted; null while loading */
  rows: OverviewRow[] | null;
  total: number;
  sites: string[];
  units: string[];
  filter: OverviewFilter;
  onFilter(next: OverviewFilter): void;
  sort: OverviewSort;
  onSort(next: OverviewSort): void;
  error: string | null;
  loading: boolean;
  selected: ReadonlySet<string>;
  onSelectedChange(next: Set<string>): void;
  focusedLabel: string | null;
  /** show the chain's results; `keyboard` moves the focus there */
  onOpen(key: ChainKey, keyboard: boolean): void;
  onReload(): void;
}) {
  const { t } = useTranslation();
  const { rows, selected, onSelectedChange, focusedLabel, filter, onFilter } = props;
  const shown = rows ?? [];
  const allSelected = shown.length > 0 && shown.every((r) => selected.has(r.label));
  const [active, setActive] = useState<string | null>(null);
  const tbody = useRef<HTMLTableSectionElement>(null);
  // the row in the tab order: the last one focused, else the open chain, else the first
  const tabRow =
    shown.find((r) => r.label === active)?.label ??
    shown.find((r) => r.label === focusedLabel)?.label ??
    shown[0]?.label;

  const toggle = (label: string) => {
    const next = new Set(selected);
    if (next.has(label)) next.delete(label);
    else next.add(label);
    onSelectedChange(next);
  };

  const focusRow = (index: number) => {
    const target = shown[Math.max(0, Math.min(shown.length - 1, index))];
    if (!target) return;
    tbody.current?.querySelector<HTMLElement>(`tr[data-chain="${target.label}"]`)?.focus();
  };

  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, row: OverviewRow, index: number) => {
    if (e.target !== e.currentTarget) return;
    switch (e.key) {
      case 'ArrowDown':
        focusRow(index + 1);
        break;
      case 'ArrowUp':
        focusRow(index - 1);
        break;
      case 'Home':
        focusRow(0);
        break;
      case 'End':
        focusRow(shown.length - 1);
        break;
      case 'Enter':
        props.onOpen(row.summary, true);
        break;
      case ' ':
        toggle(row.label);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <>
      <div className="panel-head">
        <h2>{t('stations.title')}</h2>
        <span className="muted" data-testid="stations-count">
          {t('stations.chains', { count: props.total })}
          {shown.length !== props.total ? ` · ${t('stations.shown', { count: shown.length })}` : ''} ·{' '}
          {t('stations.selected', { count: selected.size })}
        </span>
        <fieldset className="filters">
          <legend className="sr-only">{t('stations.filtersLegend')}</legend>
          <select
            aria-label={t('stations.site')}
            value={filter.site}
            onChange={(e) => onFilter({ ...filter, site: e.target.value })}
            className="site-filter"
          >
            <option value="">{t('stations.allSites')}</option>
            {props.sites.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <select
            aria-label={t('stations.unit')}
            value={filter.unit}
            onChange={(e) => onFilter({ ...filter, unit: e.target.value })}
          >
            <option value="">{t('stations.allUnits')}</option>
            {props.units.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
          <select
            aria-label={t('stations.state')}
            value={filter.state}
            onChange={(e) => onFilter({ ...filter, state: e.target.value as StateFilter })}
          >
            {STATE_FILTERS.map((s) => (
              <option key={s} value={s}>
                {stateFilterLabel(s)}
              </option>
            ))}
          </select>
          <select
            aria-label={t('stations.sort')}
            value={props.sort}
            onChange={(e) => props.onSort(e.target.value as OverviewSort)}
          >
            <option value="worst">{t('stations.worstFirst')}</option>
            <option value="name">{t('stations.byName')}</option>
          </select>
        </fieldset>
        <span className="grow" />
        <button
          type="button"
          onClick={() => onSelectedChange(new Set(shown.filter((r) => r.summary.active).map((r) => r.label)))}
        >
          {t('stations.selectActive')}
        </button>
        <button type="button" onClick={() => onSelectedChange(new Set())} disabled={selected.size === 0}>
          {t('stations.clear')}
        </button>
        <button
          type="button"
          onClick={props.onReload}
          title={t('stations.reload')}
          aria-label={t('stations.reload')}
        >
          ↻
        </button>
      </div>
      {props.error ? (
        <p className="error-text" role="alert">
          {props.error}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="grid-table stations-table" data-testid="stations-table">
          <thead>
            <tr>
              <th className="check">
                <input
                  type="checkbox"
                  aria-label={t('stations.selectAll')}
                  checked={allSelected}
                  onChange={() => {
                    const next = new Set(selected);
                    for (const r of shown) {
                      if (allSelected) next.delete(r.label);
                      else next.add(r.label);
                    }
                    onSelectedChange(next);
                  }}
                />
              </th>
              <th>{t('stations.chain')}</th>
              <th>{t('stations.site')}</th>
              {METRICS.map((m) => (
                <th
                  key={m.metric}
                  title={t('stations.levelOf', { metric: metricName(m.metric), unit: metricUnit(m.metric) })}
                >
                  {metricShort(m.metric)}
                </th>
              ))}
              <th title={t('stations.lastDataTitle', { hours: DEFAULT_STALE_AFTER_HOURS })}>
                {t('stations.lastData')}
              </th>
              <th>{t('stations.elaboratedTo')}</th>
              <th>{t('stations.lastRun')}</th>
              <th className="num">{t('stations.nodes')}</th>
            </tr>
          </thead>
          <tbody ref={tbody}>
            {shown.map((r, index) => (
              <StationRow
                key={r.label}
                row={r}
                index={index}
                tabbable={r.label === tabRow}
                selected={selected.has(r.label)}
                focused={r.label === focusedLabel}
                onToggle={toggle}
                onOpen={props.onOpen}
                onKey={onRowKey}
                onActive={setActive}
              />
            ))}
            {rows && shown.length === 0 ? (
              <tr>
                <td colSpan={COLUMNS} className="muted">
                  {props.total === 0 ? t('stations.noChains') : t('stations.noMatch')}
                </td>
              </tr>
            ) : null}
            {!rows && props.loading ? (
              <tr>
                <td colSpan={COLUMNS} className="muted">
                  {t('common.loading')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
});

function StationRow(props: {
  row: OverviewRow;
  index: number;
  tabbable: boolean;
  selected: boolean;
  focused: boolean;
  onToggle(label: string): void;
  onOpen(key: ChainKey, keyboard: boolean): void;
  onKey(e: KeyboardEvent<HTMLTableRowElement>, row: OverviewRow, index: number): void;
  onActive(label: string): void;
}) {
  const { t } = useTranslation();
  const { row: r, selected } = props;
  const c = r.summary;
  const run = r.lastRun;
  const elaborated = c.lastElaboratedAt !== null;
  const staleText =
    r.staleAfterHours === DEFAULT_STALE_AFTER_HOURS
      ? t('stations.staleAfterDefault', { hours: r.staleAfterHours })
      : t('stations.staleAfter', { hours: r.staleAfterHours });
  return (
    <tr
      data-chain={r.label}
      data-worst={r.worst}
      data-stale={r.stale ? 'true' : 'false'}
      className={`${props.focused ? 'focused' : ''} ${c.active ? '' : 'inactive'} ${r.stale ? 'stale-row' : ''}`}
      tabIndex={props.tabbable ? 0 : -1}
      aria-selected={selected}
      aria-current={props.focused ? 'true' : undefined}
      onFocus={(e) => {
        if (e.target === e.currentTarget) props.onActive(r.label);
      }}
      onKeyDown={(e) => props.onKey(e, r, props.index)}
      onClick={(e) => {
        // ticking the checkbox selects for launch; the rest of the row shows the results
        if (!(e.target instanceof HTMLInputElement)) props.onOpen(c, false);
      }}
    >
      <td className="check">
        <input
          type="checkbox"
          tabIndex={-1}
          aria-label={t('stations.selectOne', { chain: r.label })}
          checked={selected}
          onChange={() => props.onToggle(r.label)}
        />
      </td>
      <td className="mono chain-cell" data-col="chain">
        {r.label}
        {c.active ? null : <span className="muted small"> {t('stations.inactive')}</span>}
      </td>
      <td className="site" data-col="site" title={c.siteName ?? ''}>
        {c.siteName ?? '—'}
      </td>
      {METRICS.map((m, i) => {
        const level = r.levels?.levels[i];
        if (!elaborated || r.levels === null || level === undefined) {
          return (
            <td key={m.metric} data-col={m.metric} className="muted" title={t('stations.notElaborated')}>
              —
            </td>
          );
        }
        return (
          <td
            key={m.metric}
            data-col={m.metric}
            data-level={level ?? ''}
            title={t('stations.levelTitle', {
              metric: metricName(m.metric),
              word: levelWord(level),
              level: level ?? '?',
              at: fmtTime(r.levels.asOf),
            })}
          >
            <span className={`level-chip lvl-${level === null ? 'unknown' : Math.min(level, 3)}`}>
              {levelWord(level)}
            </span>
          </td>
        );
      })}
      <td
        data-col="data"
        className={r.stale ? 'stale' : ''}
        title={t('stations.dataTitle', {
          newest: fmtTime(c.lastRawAt),
          rows: fmtInt(c.rawRowCount),
          since: fmtTime(c.firstRawAt),
          stale: staleText,
        })}
      >
        {c.lastRawAt !== null && r.stale && r.dataAge !== null ? (
          // "no data for" over "31 d 15 h STALE" when the table is narrow: two lines, never three
          <>
            <span className="nowrap">{t('stations.noDataFor')}</span>{' '}
            <span className="nowrap">
              {fmtNoDataFor(r.dataAge)} <span className="tag">{t('stations.stale')}</span>
            </span>
          </>
        ) : (
          <>
            <span className="nowrap">{c.lastRawAt === null ? t('stations.noData') : fmtAge(r.dataAge)}</span>
            {r.stale ? <span className="tag">{t('stations.stale')}</span> : null}
          </>
        )}
      </td>
      <td
        className={`mono ${r.behind ? 'warn-text' : ''}`}
        data-col="elaborated"
        title={r.behind ? t('stations.behind') : t('stations.upToDate')}
      >
        {c.lastElaboratedAt === null ? (
          '—'
        ) : (
          <>
            <span className="nowrap">{fmtDate(c.lastElaboratedAt)}</span>{' '}
            <span className="nowrap">{fmtTime(c.lastElaboratedAt).slice(11)}</span>
          </>
        )}
        <OutputsNote chain={c} />
      </td>
      <td data-col="run" title={run?.message ?? ''}>
        {run ? (
          <>
            <StatusBadge status={runOutcome(run)} />{' '}
            <span className="muted small nowrap">{fmtAge(r.runAge)}</span>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num" data-col="nodes">
        {c.enabledNodeCount === c.nodeCount ? c.nodeCount : `${c.enabledNodeCount}/${c.nodeCount}`}
      </td>
    </tr>
  );
}

/**
 * Whether the stored outputs are those of the chain's configuration now: a
 * calibration changed since they were written, or an interrupted full or
 * range run left part of them from another run.
 */
function OutputsNote({ chain }: { chain: ChainOverview }) {
  const { t } = useTranslation();
  if (chain.pendingRun) {
    const { mode, runId, status } = chain.pendingRun;
    return (
      <span
        className="badge badge-warn nowrap"
        data-outputs="pending"
        title={t('stations.pendingTitle', { mode: t(`modes.${mode}`), runId, status: t(`status.${status}`) })}
      >
        {t('stations.pending')}
      </span>
    );
  }
  if (chain.outputs === 'changed') {
    return (
      <span className="badge badge-warn nowrap" data-outputs="changed" title={t('stations.changedTitle')}>
        {t('stations.changed')}
      </span>
    );
  }
  if (chain.outputs === 'invalid') {
    return (
      <span className="badge badge-failed nowrap" data-outputs="invalid" title={t('stations.invalidTitle')}>
        {t('stations.invalid')}
      </span>
    );
  }
  return null;
}
