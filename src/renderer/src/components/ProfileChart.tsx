import { useMemo, useState } from 'react';
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
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey, ChainNodes } from '../../../contract/types.ts';
import type { WireSeries } from '../../../contract/wire.ts';
import { AXIS_PROPS, COLORS, TOOLTIP_PROPS, tickNumber } from '../chart.ts';
import { fmtNum, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { deadNote } from '../node-health.ts';
import { ChartBox } from './ChartBox.tsx';

const TIMELINE_ROWS = 20_000;

interface ProfileRow {
  node: number;
  /** rsn_nodes.depthM (m), null when the node has no configured depth */
  depth: number | null;
  threeAxis: boolean;
  cumX: number | null;
  cumY: number | null;
  cumR: number | null;
  refX: number | null;
  refY: number | null;
}

type NodeValues = { cumX: number | null; cumY: number | null; cumR: number | null };

/** Each node's values at the first timestamp of `s` (rows ordered by timestamp). */
function byNode(s: WireSeries | null): Map<number, NodeValues> {
  const map = new Map<number, NodeValues>();
  if (!s || s.length === 0) return map;
  const first = s.timestamp[0];
  for (let i = 0; i < s.length && s.timestamp[i] === first; i++) {
    map.set(s.nodeIndex[i]!, { cumX: s.cumX[i]!, cumY: s.cumY[i]!, cumR: s.cumR[i]! });
  }
  return map;
}

/** The first elaborated timestamp at or after the datum is looked for within this many seconds. */
const DATUM_LOOKAHEAD_SECONDS = 86_400;

/** Rows of the enabled nodes that have output, by depth (nodes without a depth last, by index). */
function profileRows(
  config: ChainNodes | null,
  cur: Map<number, NodeValues>,
  ref: Map<number, NodeValues>,
): ProfileRow[] {
  const conf = new Map((config?.nodes ?? []).map((n) => [n.nodeIndex, n]));
  const nodes = [...new Set([...cur.keys(), ...ref.keys()])].filter((n) => conf.get(n)?.enabled !== false);
  const rows = nodes.map<ProfileRow>((node) => ({
    node,
    depth: conf.get(node)?.depthM ?? null,
    threeAxis: conf.get(node)?.threeAxis ?? false,
    cumX: cur.get(node)?.cumX ?? null,
    cumY: cur.get(node)?.cumY ?? null,
    cumR: cur.get(node)?.cumR ?? null,
    refX: ref.get(node)?.cumX ?? null,
    refY: ref.get(node)?.cumY ?? null,
  }));
  const depthKey = (r: ProfileRow) => r.depth ?? Number.POSITIVE_INFINITY;
  return rows.sort((a, b) => depthKey(a) - depthKey(b) || a.node - b.node);
}

/**
 * Cumulative displacement along the chain at one time, against depth
 * (rsn_nodes.depthM, increasing downward). Only enabled nodes have output;
 * disabled nodes are listed under the table.
 */
export function ProfileChart(props: { api: CatenaApi; chainKey: ChainKey; last: number; version: number }) {
  const { api, chainKey, last, version } = props;

  // the chain's timestamps, from the lowest-index node's series
  const timeline = useLoad(async () => {
    const latest = await api.series({ key: chainKey, from: last, to: last });
    const first = latest.nodeIndex.length > 0 ? Math.min(...latest.nodeIndex) : 1;
    const s = await api.series({ key: chainKey, nodeIndex: first, limit: TIMELINE_ROWS });
    return s.timestamp.filter((t): t is number => t !== null);
  }, [api, chainKey, last, version]);

  const config = useLoad(() => api.chainNodes({ key: chainKey }), [api, chainKey, version]);
  // a node without a value is explained: since when it has no valid data, and its sensor's error code
  const quality = useLoad(() => api.quality({ key: chainKey }), [api, chainKey, version]);
  const notes = useMemo(() => {
    const map = new Map<number, string>();
    for (const q of quality.data ?? []) {
      const note = deadNote(q);
      if (note) map.set(q.nodeIndex, note);
    }
    return map;
  }, [quality.data]);

  const times = timeline.data ?? [];
  const [index, setIndex] = useState<number | null>(null);
  const [compare, setCompare] = useState(true);
  const at = times.length === 0 ? last : times[Math.min(index ?? times.length - 1, times.length - 1)]!;
  // the datum the engine used: the chain's referenceTime when set, else its first reading (ELABORATION.md §3.9)
  const datum = config.data?.datum ?? null;
  const datumSource = config.data?.referenceTime != null ? 'referenceTime' : 'first reading';

  const current = useLoad(
    () => api.series({ key: chainKey, from: at, to: at }),
    [api, chainKey, at, version],
  );
  const baseline = useLoad(
    () =>
      compare && datum !== null && datum !== at
        ? api.series({ key: chainKey, from: datum, to: datum + DATUM_LOOKAHEAD_SECONDS })
        : Promise.resolve(null),
    [api, chainKey, datum, at, compare, version],
  );

  const rows = useMemo(
    () => profileRows(config.data, byNode(current.data), byNode(baseline.data)),
    [config.data, current.data, baseline.data],
  );
  // the chart needs a depth; a node without one is in the table only
  const plotted = useMemo(() => rows.filter((r) => r.depth !== null), [rows]);
  const nodesAt = useMemo(() => {
    const map = new Map<number, number[]>();
    for (const r of plotted) map.set(r.depth!, [...(map.get(r.depth!) ?? []), r.node]);
    return map;
  }, [plotted]);
  const disabled = (config.data?.nodes ?? []).filter((n) => !n.enabled);
  const noDepth = rows.filter((r) => r.depth === null).map((r) => r.node);
  const fixedEnd = config.data ? (config.data.fixedEnd ?? 'bottom') : null;

  const showBaseline = compare && baseline.data !== null;

  return (
    <div className="profile">
      <div className="toolbar">
        <label className="grow-label">
          Time{' '}
          <input
            type="range"
            min={0}
            max={Math.max(0, times.length - 1)}
            value={index ?? Math.max(0, times.length - 1)}
            onChange={(e) => setIndex(Number(e.target.value))}
            aria-label="Profile time"
            disabled={times.length < 2}
          />
        </label>
        <span className="mono" data-testid="profile-time">
          {fmtTime(at)}
        </span>
        <label>
          <input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} /> compare
          with the datum
        </label>
        {config.data ? (
          <span className="muted small" data-testid="profile-datum">
            datum {fmtTime(datum)} ({datumSource})
          </span>
        ) : null}
        {timeline.error ? <span className="error-text">{timeline.error}</span> : null}
        {config.error ? (
          <span className="error-text" role="alert">
            {config.error}
          </span>
        ) : null}
      </div>
      <div className="profile-body">
        <ChartBox className="profile-chart" testId="chart-profile">
          <div className="chart-title">
            Cumulative displacement vs depth{' '}
            <span className="muted">[mm] · depth [m] down{fixedEnd ? ` · fixed end: ${fixedEnd}` : ''}</span>
          </div>
          <ResponsiveContainer width="100%" height={360}>
            <LineChart data={plotted} layout="vertical" margin={{ top: 10, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid stroke={COLORS.grid} strokeDasharray="2 3" />
              <XAxis type="number" {...AXIS_PROPS} domain={['auto', 'auto']} tickFormatter={tickNumber} />
              <YAxis
                type="number"
                dataKey="depth"
                // in a vertical layout a numeric Y axis already grows downward: depth 0 at the top
                domain={[(min: number) => Math.min(0, min), 'auto']}
                allowDecimals
                width={48}
                tickFormatter={tickNumber}
                {...AXIS_PROPS}
                label={{
                  value: 'depth [m]',
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
                    ? `depth ${fmtNum(d, 2)} m · node ${(nodesAt.get(d) ?? []).join(', ')}`
                    : String(d)
                }
                formatter={(v) => (typeof v === 'number' ? fmtNum(v, 2) : '—')}
              />
              <Legend wrapperStyle={{ fontSize: 11 }} height={18} />
              <Line dataKey="cumX" name="cumX" stroke={COLORS.x} isAnimationActive={false} dot={{ r: 2 }} />
              <Line dataKey="cumY" name="cumY" stroke={COLORS.y} isAnimationActive={false} dot={{ r: 2 }} />
              {showBaseline ? (
                <Line
                  dataKey="refX"
                  name="cumX (datum)"
                  stroke={COLORS.x}
                  strokeDasharray="4 3"
                  strokeOpacity={0.5}
                  isAnimationActive={false}
                  dot={false}
                />
              ) : null}
              {showBaseline ? (
                <Line
                  dataKey="refY"
                  name="cumY (datum)"
                  stroke={COLORS.y}
                  strokeDasharray="4 3"
                  strokeOpacity={0.5}
                  isAnimationActive={false}
                  dot={false}
                />
              ) : null}
            </LineChart>
          </ResponsiveContainer>
        </ChartBox>
        <table className="grid-table compact profile-table">
          <thead>
            <tr>
              <th className="num">Node</th>
              <th className="num">Depth [m]</th>
              <th className="num">cumX</th>
              <th className="num">cumY</th>
              <th className="num">cumR</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.node} data-node={r.node} title={notes.get(r.node)}>
                <td className="num">
                  {r.node}
                  {r.threeAxis ? <span className="muted small"> 3-ax</span> : null}
                </td>
                <td className="num">{fmtNum(r.depth, 2)}</td>
                <td className="num">{fmtNum(r.cumX)}</td>
                <td className="num">{fmtNum(r.cumY)}</td>
                <td className={`num ${r.cumR === null && notes.has(r.node) ? 'warn-text' : ''}`}>
                  {fmtNum(r.cumR)}
                  {r.cumR === null && notes.has(r.node) ? ' *' : ''}
                </td>
              </tr>
            ))}
          </tbody>
          {disabled.length > 0 || noDepth.length > 0 || notes.size > 0 ? (
            <tfoot>
              <tr>
                <td colSpan={5} className="muted small" data-testid="profile-omitted">
                  {disabled.length > 0
                    ? `Disabled (not elaborated): ${disabled
                        .map((n) => `node ${n.nodeIndex} (${fmtNum(n.depthM, 2)} m)`)
                        .join(', ')}. `
                    : ''}
                  {noDepth.length > 0 ? `No depth configured, not plotted: node ${noDepth.join(', ')}. ` : ''}
                  {[...notes].map(([n, note]) => (
                    <span key={n} className="warn-text" data-testid={`node-note-${n}`}>
                      * node {n}: {note}.{' '}
                    </span>
                  ))}
                </td>
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
    </div>
  );
}
