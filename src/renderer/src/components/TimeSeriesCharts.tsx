import { memo, useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { COLORS } from '../chart.ts';
import { fmtInt, fmtNum, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { currentLang } from '../i18n/index.ts';
import { deadNote } from '../node-health.ts';
import type { ChartSeries, SeriesColumn } from '../series-data.ts';
import { loadChartSeries } from '../series-load.ts';
import {
  clampZoom,
  eventMarkers,
  eventMarkLabel,
  PERIOD_PRESETS,
  type Period,
  type PresetId,
  presetPeriod,
  thresholdGuides,
} from '../series-tools.ts';
import { type CanvasExtras, type CanvasLine, LineCanvas } from './LineCanvas.tsx';
import { RawVsElaborated } from './RawVsElaborated.tsx';
import './series-tools.css';

const MAX_ROWS = 50_000;
/** runs of rows kept for display (min, max, first and last of each): about two points per pixel of a wide chart */
const BUCKETS = 800;
/** nodes drawn together in the comparison chart, the chosen one included */
const MAX_COMPARED = 6;
const NODE_COLORS = ['#5fb3f9', '#f2a65a', '#7ed491', '#d68cf2', '#e3d06b', '#56d4d4'];
const EVENTS_SHOWN = 500;

interface PanelSpec {
  /** names the chart's test id (chart-ID), the same in every language */
  id: string;
  title: 'tilt' | 'cumulative' | 'velocity' | 'temperature';
  unit: string;
  lines: { key: SeriesColumn; name: string; color: string }[];
  /** the alarm metric compared with this panel's values (ELABORATION.md §4), if any */
  metric: string | null;
}

const PANELS: PanelSpec[] = [
  {
    id: 'Tilt',
    title: 'tilt',
    unit: '°',
    lines: [
      { key: 'alphaX', name: 'αX', color: COLORS.x },
      { key: 'alphaY', name: 'αY', color: COLORS.y },
    ],
    // tilt_deg is compared with the change of tilt since the datum, not with αX/αY: no line here
    metric: null,
  },
  {
    id: 'Cumulative displacement',
    title: 'cumulative',
    unit: 'mm',
    lines: [
      { key: 'cumR', name: 'cumR', color: COLORS.r },
      { key: 'cumX', name: 'cumX', color: COLORS.x },
      { key: 'cumY', name: 'cumY', color: COLORS.y },
    ],
    metric: 'cumulative_mm',
  },
  {
    id: 'Velocity',
    title: 'velocity',
    unit: 'mm/day',
    lines: [{ key: 'velR', name: 'velR', color: COLORS.v }],
    metric: 'velocity_mm_per_day',
  },
  {
    id: 'Temperature',
    title: 'temperature',
    unit: '°C',
    lines: [{ key: 'temperature', name: 'T', color: COLORS.t }],
    metric: null,
  },
];

/** What the comparison chart can draw of each node. */
const COMPARED_COLUMNS: { key: SeriesColumn; label: string; unit: string }[] = [
  { key: 'cumR', label: 'cumR', unit: 'mm' },
  { key: 'cumX', label: 'cumX', unit: 'mm' },
  { key: 'cumY', label: 'cumY', unit: 'mm' },
  { key: 'velR', label: 'velR', unit: 'mm/day' },
  { key: 'alphaX', label: 'αX', unit: '°' },
  { key: 'alphaY', label: 'αY', unit: '°' },
  { key: 'temperature', label: 'T', unit: '°C' },
];

const NO_EXTRAS: CanvasExtras = { guides: [], markers: [] };

/** A unit as the console writes it: mm/day is mm/giorno in Italian; the others are symbols. */
function useUnitText(): (unit: string) => string {
  const { t } = useTranslation();
  return (unit) => (unit === 'mm/day' ? t('metrics.velocity_mm_per_day.unit') : unit);
}

export function TimeSeriesCharts(props: {
  api: CatenaApi;
  chainKey: ChainKey;
  nodes: number[];
  node: number | null;
  onNode(node: number): void;
  version: number;
  /** the chain's last elaborated timestamp: the periods end there */
  last: number | null;
}) {
  const { api, chainKey, node, version, last } = props;
  const { t } = useTranslation();
  const [preset, setPreset] = useState<PresetId>('all');
  const [zoom, setZoom] = useState<Period | null>(null);
  const [compared, setCompared] = useState<number[]>([]);
  const [comparedColumn, setComparedColumn] = useState<SeriesColumn>('cumR');
  const [showRaw, setShowRaw] = useState(false);
  const unitText = useUnitText();
  const [marks, setMarks] = useState(true);
  // the period drawn: a brushed zoom, else the preset (null = the newest rows)
  const period = zoom ?? presetPeriod(preset, last);
  const from = period?.from;
  const to = period?.to;

  // parsed and downsampled in the series worker: the page only draws; a new period is fetched again
  const series = useLoad(
    () =>
      node === null
        ? Promise.resolve(null)
        : loadChartSeries(api, { key: chainKey, nodeIndex: node, limit: MAX_ROWS, from, to }, BUCKETS),
    [api, chainKey, node, version, from, to],
  );
  const others = useMemo(() => compared.filter((n) => n !== node), [compared, node]);
  const comparedSeries = useLoad(
    () =>
      Promise.all(
        others.map((n) =>
          loadChartSeries(api, { key: chainKey, nodeIndex: n, limit: MAX_ROWS, from, to }, BUCKETS),
        ),
      ),
    [api, chainKey, others, version, from, to],
  );
  // What the picker says of each node is asked once the series is there, so that it does not hold up the
  // first chart (an SQLite database answers one query at a time): its depth (the picker goes down the chain
  // by depth, each node with its index), and why a node has no value (when it was last valid, and its
  // sensor's error code since); the thresholds and the alarm events are drawn on the charts.
  const seriesShown = series.data !== null;
  const config = useLoad(
    () => (seriesShown ? api.chainNodes({ key: chainKey }) : Promise.resolve(null)),
    [api, chainKey, seriesShown],
  );
  const quality = useLoad(
    () => (seriesShown ? api.quality({ key: chainKey }) : Promise.resolve(null)),
    [api, chainKey, version, seriesShown],
  );
  const events = useLoad(
    () =>
      seriesShown
        ? api.events({ key: chainKey, from: from ?? null, to: to ?? null, limit: EVENTS_SHOWN })
        : Promise.resolve(null),
    [api, chainKey, version, seriesShown, from, to],
  );
  const notes = useMemo(
    () => new Map((quality.data ?? []).map((q) => [q.nodeIndex, deadNote(q)] as const)),
    [quality.data],
  );
  const options = useMemo(() => {
    const depth = new Map((config.data?.nodes ?? []).map((n) => [n.nodeIndex, n.depthM]));
    return [...props.nodes]
      .map((n) => ({ node: n, depth: depth.get(n) ?? null, note: notes.get(n) ?? null }))
      .sort(
        (a, b) =>
          (a.depth ?? Number.POSITIVE_INFINITY) - (b.depth ?? Number.POSITIVE_INFINITY) || a.node - b.node,
      );
  }, [props.nodes, config.data, notes]);
  const nodeLabel = useCallback(
    (n: number) => {
      const o = options.find((x) => x.node === n);
      return o?.depth == null
        ? t('series.nodeName', { node: n })
        : t('series.nodeAt', { depth: fmtNum(o.depth, 2), node: n });
    },
    [options, t],
  );
  const note = node === null ? null : (notes.get(node) ?? null);

  const s: ChartSeries | null = series.data;
  const total = s?.total ?? 0;
  const span = s?.span ?? null;
  const multiDay = span !== null && span[1] - span[0] > 3 * 86400;
  // a zoom stays inside the chain's data: from its first drawn row (or the period's start) to the last
  const bounds = useMemo<Period | null>(() => (last === null ? null : { from: 0, to: last }), [last]);
  const onZoom = useCallback((a: number, b: number) => setZoom(clampZoom(a, b, bounds)), [bounds]);

  const extrasOf = useMemo(() => {
    const thresholds = config.data?.thresholds ?? [];
    const list = events.data ?? [];
    // a threshold written as the console writes numbers (a decimal comma in Italian), in full
    const locale = currentLang() === 'it' ? 'it-IT' : 'en-US';
    const value = (v: number) => v.toLocaleString(locale, { maximumFractionDigits: 6, useGrouping: false });
    return (metric: string | null): CanvasExtras =>
      metric === null || node === null
        ? NO_EXTRAS
        : {
            guides: marks ? thresholdGuides(thresholds, node, metric, value) : [],
            markers: marks ? eventMarkers(list, metric, (e) => eventMarkLabel(t, e)) : [],
          };
  }, [config.data, events.data, node, marks, t]);
  const panelExtras = useMemo(() => PANELS.map((p) => extrasOf(p.metric)), [extrasOf]);

  const comparedLines = useMemo<CanvasLine[]>(() => {
    if (!s || node === null) return [];
    const all = [
      { n: node, data: s },
      ...others.map((n, i) => ({ n, data: comparedSeries.data?.[i] ?? null })),
    ];
    return all.flatMap(({ n, data }, i) =>
      data
        ? [
            {
              name: t('series.nodeName', { node: n }),
              color: NODE_COLORS[i % NODE_COLORS.length]!,
              values: data.values[comparedColumn],
              t: data.t,
            },
          ]
        : [],
    );
  }, [s, node, others, comparedSeries.data, comparedColumn, t]);
  const comparedSpec = COMPARED_COLUMNS.find((c) => c.key === comparedColumn)!;

  return (
    <div className="series">
      <div className="toolbar">
        <label>
          {t('series.node')}{' '}
          <select
            value={node ?? ''}
            onChange={(e) => props.onNode(Number(e.target.value))}
            aria-label={t('series.node')}
            data-testid="node-select"
          >
            {options.map((o) => (
              <option key={o.node} value={o.node}>
                {nodeLabel(o.node)}
                {o.note ? ` — ${o.note}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('series.period')}{' '}
          <select
            value={zoom ? 'zoom' : preset}
            onChange={(e) => {
              if (e.target.value === 'zoom') return;
              setZoom(null);
              setPreset(e.target.value as PresetId);
            }}
            aria-label={t('series.period')}
            data-testid="period-select"
          >
            {PERIOD_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {t(`series.periods.${p.id}`, { rows: fmtInt(MAX_ROWS) })}
              </option>
            ))}
            {zoom ? <option value="zoom">{t('series.zoomed')}</option> : null}
          </select>
        </label>
        {zoom ? (
          <button type="button" onClick={() => setZoom(null)} data-testid="zoom-reset">
            {t('series.resetZoom')}
          </button>
        ) : null}
        <span className="muted small" data-testid="series-summary">
          {total > 0 && span
            ? `${t('series.summary', { total: fmtInt(total), from: fmtTime(span[0]), to: fmtTime(span[1]) })}${
                total >= MAX_ROWS ? ` ${t('series.newest', { rows: fmtInt(MAX_ROWS) })}` : ''
              }${s && s.t.length < total ? `, ${t('series.drawnAt', { points: fmtInt(s.t.length) })}` : ''}`
            : series.loading
              ? t('common.loadingShort')
              : t('series.empty')}
        </span>
        {note ? (
          <span className="warn-text small" data-testid="node-note">
            {note}
          </span>
        ) : null}
        {series.error ? <span className="error-text">{series.error}</span> : null}
      </div>
      <div className="toolbar">
        <label>
          {t('series.compareWith')}{' '}
          <select
            value=""
            onChange={(e) => {
              const n = Number(e.target.value);
              if (Number.isFinite(n)) setCompared((c) => [...c.filter((x) => x !== n), n]);
            }}
            aria-label={t('series.compareLabel')}
            data-testid="compare-select"
            disabled={others.length >= MAX_COMPARED - 1}
          >
            <option value="">{t('series.addNode')}</option>
            {options
              .filter((o) => o.node !== node && !others.includes(o.node))
              .map((o) => (
                <option key={o.node} value={o.node}>
                  {nodeLabel(o.node)}
                </option>
              ))}
          </select>
        </label>
        {others.length > 0 ? (
          <ul className="series-chips" aria-label={t('series.compared')} data-testid="compared-nodes">
            {others.map((n, i) => (
              <li key={n} style={{ color: NODE_COLORS[(i + 1) % NODE_COLORS.length] }}>
                {nodeLabel(n)}
                <button
                  type="button"
                  aria-label={t('series.stopComparing', { node: n })}
                  onClick={() => setCompared((c) => c.filter((x) => x !== n))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <label>
          <input type="checkbox" checked={marks} onChange={(e) => setMarks(e.target.checked)} />{' '}
          {t('series.marks')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={showRaw}
            onChange={(e) => setShowRaw(e.target.checked)}
            data-testid="raw-toggle"
          />{' '}
          {t('series.raw')}
        </label>
        <span className="muted small">{t('series.dragHint')}</span>
      </div>
      {others.length > 0 ? (
        <div className="compare-chart">
          <div className="toolbar">
            <label>
              {t('series.drawn')}{' '}
              <select
                value={comparedColumn}
                onChange={(e) => setComparedColumn(e.target.value as SeriesColumn)}
                aria-label={t('series.comparedValue')}
              >
                {COMPARED_COLUMNS.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label} [{unitText(c.unit)}]
                  </option>
                ))}
              </select>
            </label>
            {comparedSeries.error ? <span className="error-text">{comparedSeries.error}</span> : null}
          </div>
          <LineCanvas
            testId="chart-compare"
            title={t('series.byNode', { value: comparedSpec.label })}
            unit={unitText(comparedSpec.unit)}
            t={s ? s.t : EMPTY}
            lines={comparedLines}
            multiDay={multiDay}
            onZoom={onZoom}
          />
        </div>
      ) : null}
      <div className="chart-grid">
        {PANELS.map((panel, i) => (
          <SeriesPanel
            key={panel.id}
            panel={panel}
            series={s}
            multiDay={multiDay}
            extras={panelExtras[i]!}
            onZoom={onZoom}
          />
        ))}
      </div>
      {showRaw && node !== null ? (
        <RawVsElaborated
          api={api}
          chainKey={chainKey}
          node={node}
          period={period}
          elaborated={s}
          multiDay={multiDay}
          onZoom={onZoom}
        />
      ) : null}
    </div>
  );
}

const EMPTY = new Float64Array(0);

/** One chart, drawn again only when its series changes (memo). */
const SeriesPanel = memo(function SeriesPanel(props: {
  panel: PanelSpec;
  series: ChartSeries | null;
  multiDay: boolean;
  extras: CanvasExtras;
  onZoom(from: number, to: number): void;
}) {
  const { panel, series, multiDay, extras, onZoom } = props;
  const { t } = useTranslation();
  const unitText = useUnitText();
  const lines = useMemo<CanvasLine[]>(
    () =>
      panel.lines.map((l) => ({
        name: l.name,
        color: l.color,
        values: series ? series.values[l.key] : EMPTY,
      })),
    [panel, series],
  );
  return (
    <LineCanvas
      testId={`chart-${panel.id}`}
      title={t(`series.panels.${panel.title}`)}
      unit={unitText(panel.unit)}
      t={series ? series.t : EMPTY}
      lines={lines}
      multiDay={multiDay}
      extras={extras}
      onZoom={onZoom}
    />
  );
});
