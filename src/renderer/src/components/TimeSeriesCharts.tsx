import { memo, useDeferredValue, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { AXIS_PROPS, COLORS, decimate, TOOLTIP_PROPS, tickNumber } from '../chart.ts';
import { fmtDate, fmtNum, fmtTime, fmtTimeShort } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { ChartBox } from './ChartBox.tsx';

const MAX_ROWS = 50_000;
/** about two points per pixel of a chart on a wide screen; the line's shape is kept (see decimate) */
const MAX_POINTS = 1_000;

interface Point {
  t: number;
  alphaX: number | null;
  alphaY: number | null;
  cumX: number | null;
  cumY: number | null;
  cumR: number | null;
  velR: number | null;
  temperature: number | null;
}

interface PanelSpec {
  title: string;
  unit: string;
  lines: { key: keyof Point; name: string; color: string }[];
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
  const series = useLoad(
    () =>
      node === null ? Promise.resolve(null) : api.series({ key: chainKey, nodeIndex: node, limit: MAX_ROWS }),
    [api, chainKey, node, version],
  );

  const { points, total, span } = useMemo(() => {
    const s = series.data;
    if (!s) return { points: [] as Point[], total: 0, span: null };
    const rows: Point[] = [];
    for (let i = 0; i < s.length; i++) {
      rows.push({
        t: s.timestamp[i]!,
        alphaX: s.alphaX[i]!,
        alphaY: s.alphaY[i]!,
        cumX: s.cumX[i]!,
        cumY: s.cumY[i]!,
        cumR: s.cumR[i]!,
        velR: s.velR[i]!,
        temperature: s.temperature[i]!,
      });
    }
    const span = rows.length > 0 ? [rows[0]!.t, rows[rows.length - 1]!.t] : null;
    return { points: decimate(rows, MAX_POINTS), total: rows.length, span };
  }, [series.data]);

  const multiDay = span !== null && span[1]! - span[0]! > 3 * 86400;
  // new points are drawn in a transition: React yields between the charts, so input is not held up
  const drawn = useDeferredValue(points);

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
            {props.nodes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small">
          {total > 0 && span
            ? `${total.toLocaleString('en-US')} timestamps, ${fmtTime(span[0])} → ${fmtTime(span[1])}${
                total >= MAX_ROWS ? ` (newest ${MAX_ROWS.toLocaleString('en-US')})` : ''
              }${total > MAX_POINTS ? `, drawn at ${MAX_POINTS} points` : ''}`
            : series.loading
              ? 'loading…'
              : 'no elaborated rows for this node'}
        </span>
        {series.error ? <span className="error-text">{series.error}</span> : null}
      </div>
      <div className="chart-grid">
        {PANELS.map((panel) => (
          <SeriesPanel key={panel.title} panel={panel} points={drawn} multiDay={multiDay} />
        ))}
      </div>
    </div>
  );
}

/**
 * One chart, drawn again only when its points change (memo): a render of the
 * page around it (progress, another chain's results) leaves its SVG alone.
 */
const SeriesPanel = memo(function SeriesPanel(props: {
  panel: PanelSpec;
  points: Point[];
  multiDay: boolean;
}) {
  const { panel, points, multiDay } = props;
  return (
    <ChartBox testId={`chart-${panel.title}`}>
      <div className="chart-title">
        {panel.title} <span className="muted">[{panel.unit}]</span>
      </div>
      <div className="chart-plot">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} syncId="series" margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={COLORS.grid} strokeDasharray="2 3" />
            <XAxis
              dataKey="t"
              type="number"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(t: number) => (multiDay ? fmtDate(t) : fmtTimeShort(t))}
              {...AXIS_PROPS}
              minTickGap={40}
            />
            <YAxis width={56} {...AXIS_PROPS} domain={['auto', 'auto']} tickFormatter={tickNumber} />
            <Tooltip
              {...TOOLTIP_PROPS}
              labelFormatter={(t) => fmtTime(Number(t))}
              formatter={(v) => (typeof v === 'number' ? fmtNum(v, 3) : '—')}
            />
            {panel.lines.length > 1 ? <Legend wrapperStyle={{ fontSize: 11 }} height={18} /> : null}
            {panel.lines.map((line) => (
              <Line
                key={line.key}
                dataKey={line.key}
                name={line.name}
                stroke={line.color}
                dot={false}
                strokeWidth={1.25}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </ChartBox>
  );
});
