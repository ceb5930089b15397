import { memo, useMemo } from 'react';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { COLORS } from '../chart.ts';
import { fmtNum, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { deadNote } from '../node-health.ts';
import type { ChartSeries, SeriesColumn } from '../series-data.ts';
import { loadChartSeries } from '../series-load.ts';
import { type CanvasLine, LineCanvas } from './LineCanvas.tsx';

const MAX_ROWS = 50_000;
/** runs of rows kept for display (min, max, first and last of each): about two points per pixel of a wide chart */
const BUCKETS = 800;

interface PanelSpec {
  title: string;
  unit: string;
  lines: { key: SeriesColumn; name: string; color: string }[];
}

const PANELS: PanelSpec[] = [
  {
    title: 'Tilt',
    unit: '°',
    lines: [
      { key: 'alphaX', name: 'αX', color: COLORS.x },
      { key: 'alphaY', name: 'αY', color: COLORS.y },
    ],
  },
  {
    title: 'Cumulative displacement',
    unit: 'mm',
    lines: [
      { key: 'cumR', name: 'cumR', color: COLORS.r },
      { key: 'cumX', name: 'cumX', color: COLORS.x },
      { key: 'cumY', name: 'cumY', color: COLORS.y },
    ],
  },
  { title: 'Velocity', unit: 'mm/day', lines: [{ key: 'velR', name: 'velR', color: COLORS.v }] },
  { title: 'Temperature', unit: '°C', lines: [{ key: 'temperature', name: 'T', color: COLORS.t }] },
];

export function TimeSeriesCharts(props: {
  api: CatenaApi;
  chainKey: ChainKey;
  nodes: number[];
  node: number | null;
  onNode(node: number): void;
  version: number;
}) {
  const { api, chainKey, node, version } = props;
  // parsed and downsampled in the series worker: the page only draws
  const series = useLoad(
    () =>
      node === null
        ? Promise.resolve(null)
        : loadChartSeries(api, { key: chainKey, nodeIndex: node, limit: MAX_ROWS }, BUCKETS),
    [api, chainKey, node, version],
  );
  // What the picker says of each node is asked once the series is there, so that it does not hold up the
  // first chart (an SQLite database answers one query at a time): its depth (the picker goes down the chain
  // by depth, each node with its index), and why a node has no value (when it was last valid, and its
  // sensor's error code since).
  const seriesShown = series.data !== null;
  const config = useLoad(
    () => (seriesShown ? api.chainNodes({ key: chainKey }) : Promise.resolve(null)),
    [api, chainKey, seriesShown],
  );
  const quality = useLoad(
    () => (seriesShown ? api.quality({ key: chainKey }) : Promise.resolve(null)),
    [api, chainKey, version, seriesShown],
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
  const note = node === null ? null : (notes.get(node) ?? null);

  const s: ChartSeries | null = series.data;
  const total = s?.total ?? 0;
  const span = s?.span ?? null;
  const multiDay = span !== null && span[1] - span[0] > 3 * 86400;

  return (
    <div className="series">
      <div className="toolbar">
        <label>
          Node{' '}
          <select
            value={node ?? ''}
            onChange={(e) => props.onNode(Number(e.target.value))}
            aria-label="Node"
            data-testid="node-select"
          >
            {options.map((o) => (
              <option key={o.node} value={o.node}>
                {o.depth === null ? `node ${o.node}` : `${fmtNum(o.depth, 2)} m · node ${o.node}`}
                {o.note ? ` — ${o.note}` : ''}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">
          {total > 0 && span
            ? `${total.toLocaleString('en-US')} timestamps, ${fmtTime(span[0])} → ${fmtTime(span[1])}${
                total >= MAX_ROWS ? ` (newest ${MAX_ROWS.toLocaleString('en-US')})` : ''
              }${s && s.t.length < total ? `, drawn at ${s.t.length.toLocaleString('en-US')} points` : ''}`
            : series.loading
              ? 'loading…'
              : 'no elaborated rows for this node'}
        </span>
        {note ? (
          <span className="warn-text small" data-testid="node-note">
            {note}
          </span>
        ) : null}
        {series.error ? <span className="error-text">{series.error}</span> : null}
      </div>
      <div className="chart-grid">
        {PANELS.map((panel) => (
          <SeriesPanel key={panel.title} panel={panel} series={s} multiDay={multiDay} />
        ))}
      </div>
    </div>
  );
}

const EMPTY = new Float64Array(0);

/** One chart, drawn again only when its series changes (memo). */
const SeriesPanel = memo(function SeriesPanel(props: {
  panel: PanelSpec;
  series: ChartSeries | null;
  multiDay: boolean;
}) {
  const { panel, series, multiDay } = props;
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
      testId={`chart-${panel.title}`}
      title={panel.title}
      unit={panel.unit}
      t={series ? series.t : EMPTY}
      lines={lines}
      multiDay={multiDay}
    />
  );
});
