import { useTranslation } from 'react-i18next';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { AXIS_PROPS, COLORS, TOOLTIP_PROPS, tickNumber } from '../chart.ts';
import { fmtNum } from '../format.ts';
import { ChartBox } from './ChartBox.tsx';

/** One drawn date of the profile: its legend name, colour and the value at each depth. */
export interface PlotLine {
  key: string;
  name: string;
  color: string;
  values: Map<number, number | null>;
}

/** One threshold level: the value at each depth, drawn as − and + (or + alone for a resultant). */
export interface PlotEnvelope {
  level: number;
  color: string;
  values: Map<number, number>;
}

/** Row of the chart: a depth and each line's value there (recharts reads the lines by key). */
type Row = { depth: number } & Record<string, number | null>;

function rowsOf(
  depths: readonly number[],
  lines: readonly PlotLine[],
  envelopes: readonly PlotEnvelope[],
): Row[] {
  return depths.map((depth) => {
    const row: Row = { depth } as Row;
    for (const l of lines) row[l.key] = l.values.get(depth) ?? null;
    for (const e of envelopes) {
      const v = e.values.get(depth);
      row[`env${e.level}p`] = v ?? null;
      row[`env${e.level}m`] = v === undefined ? null : -v;
    }
    return row;
  });
}

/**
 * One component of the profile against depth (increasing downward), one line
 * per date, with the threshold envelope dashed behind them.
 */
export function ProfilePlot(props: {
  testId: string;
  title: string;
  unit: string;
  note: string;
  depths: readonly number[];
  lines: readonly PlotLine[];
  envelopes: readonly PlotEnvelope[];
  /** a resultant is never negative: its envelope has no − side */
  positiveOnly: boolean;
  nodesAt: Map<number, number[]>;
}) {
  const { depths, lines, envelopes, positiveOnly, nodesAt } = props;
  const rows = rowsOf(depths, lines, envelopes);
  const { t } = useTranslation();
  return (
    <ChartBox className="profile-chart" testId={props.testId}>
      <div className="chart-title">
        {props.title} <span className="muted">[{props.unit}]</span>
      </div>
      {/* always one line, so that the three charts side by side keep the same height */}
      <div className="muted small profile-note" title={props.note || undefined}>
        {props.note || '\u00a0'}
      </div>
      <ResponsiveContainer width="100%" height={360}>
        <LineChart data={rows} layout="vertical" margin={{ top: 10, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="2 3" />
          <XAxis type="number" {...AXIS_PROPS} domain={['auto', 'auto']} tickFormatter={tickNumber} />
          <YAxis
            type="number"
            dataKey="depth"
            // in a vertical layout a numeric Y axis already grows downward: depth 0 at the top
            domain={[(min: number) => Math.min(0, min), 'auto']}
            allowDecimals
            width={44}
            tickFormatter={tickNumber}
            {...AXIS_PROPS}
            label={{
              value: t('profile.depthAxis'),
              angle: -90,
              fill: COLORS.axis,
              fontSize: 11,
              position: 'insideLeft',
            }}
          />
          <ReferenceLine x={0} stroke={COLORS.axis} />
          <Tooltip
            {...TOOLTIP_PROPS}
            labelFormatter={(d) =>
              typeof d === 'number'
                ? t('profile.tooltip', { depth: fmtNum(d, 2), nodes: (nodesAt.get(d) ?? []).join(', ') })
                : String(d)
            }
            formatter={(v) => (typeof v === 'number' ? fmtNum(v, 2) : '—')}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {/* the dates first: a test or a reader finds the profile before the envelope */}
          {lines.map((l) => (
            <Line
              key={l.key}
              dataKey={l.key}
              name={l.name}
              stroke={l.color}
              isAnimationActive={false}
              dot={{ r: 2 }}
            />
          ))}
          {envelopes.flatMap((e) => [
            <Line
              key={`env${e.level}p`}
              dataKey={`env${e.level}p`}
              name={t('profile.thresholdLevel', { level: e.level })}
              stroke={e.color}
              strokeDasharray="6 4"
              strokeWidth={1}
              isAnimationActive={false}
              dot={false}
              connectNulls
            />,
            positiveOnly ? null : (
              <Line
                key={`env${e.level}m`}
                dataKey={`env${e.level}m`}
                name={t('profile.thresholdLevelMinus', { level: e.level })}
                legendType="none"
                stroke={e.color}
                strokeDasharray="6 4"
                strokeWidth={1}
                isAnimationActive={false}
                dot={false}
                connectNulls
              />
            ),
          ])}
        </LineChart>
      </ResponsiveContainer>
    </ChartBox>
  );
}
