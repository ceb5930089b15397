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
import type { ChainKey } from '../../../contract/types.ts';
import type { WireSeries } from '../../../contract/wire.ts';
import { AXIS_PROPS, COLORS, TOOLTIP_PROPS, tickNumber } from '../chart.ts';
import { fmtNum, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';

const TIMELINE_ROWS = 20_000;

interface ProfileRow {
  node: number;
  cumX: number | null;
  cumY: number | null;
  cumR: number | null;
  refX: number | null;
  refY: number | null;
}

function byNode(
  s: WireSeries | null,
): Map<number, { cumX: number | null; cumY: number | null; cumR: number | null }> {
  const map = new Map<number, { cumX: number | null; cumY: number | null; cumR: number | null }>();
  if (!s) return map;
  for (let i = 0; i < s.length; i++) {
    map.set(s.nodeIndex[i]!, { cumX: s.cumX[i]!, cumY: s.cumY[i]!, cumR: s.cumR[i]! });
  }
  return map;
}

/** Node ticks at a round step, always with the first and last node. */
function nodeTicks(nodes: number[]): number[] {
  if (nodes.length === 0) return [];
  const first = nodes[0]!;
  const last = nodes[nodes.length - 1]!;
  const raw = (last - first) / 10;
  const step = [1, 2, 5, 10, 20, 50, 100].find((s) => s >= raw) ?? 100;
  const ticks = [first];
  for (let n = Math.ceil((first + 1) / step) * step; n < last; n += step)
    if (n - first >= step && last - n >= step / 2) ticks.push(n);
  if (last !== first) ticks.push(last);
  return ticks;
}

/**
 * Cumulative displacement along the chain at one time. The vertical axis is
 * the node index (1 = nearest the control unit): the series the contract
 * returns carry no depth yet (rsn_nodes.depthM is not exposed by the service).
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

  const times = timeline.data ?? [];
  const [index, setIndex] = useState<number | null>(null);
  const [compare, setCompare] = useState(true);
  const at = times.length === 0 ? last : times[Math.min(index ?? times.length - 1, times.length - 1)]!;
  const base = times[0] ?? null;

  const current = useLoad(
    () => api.series({ key: chainKey, from: at, to: at }),
    [api, chainKey, at, version],
  );
  const baseline = useLoad(
    () =>
      compare && base !== null && base !== at
        ? api.series({ key: chainKey, from: base, to: base })
        : Promise.resolve(null),
    [api, chainKey, base, at, compare, version],
  );

  const rows = useMemo(() => {
    const cur = byNode(current.data);
    const ref = byNode(baseline.data);
    const nodes = [...new Set([...cur.keys(), ...ref.keys()])].sort((a, b) => a - b);
    return nodes.map<ProfileRow>((node) => ({
      node,
      cumX: cur.get(node)?.cumX ?? null,
      cumY: cur.get(node)?.cumY ?? null,
      cumR: cur.get(node)?.cumR ?? null,
      refX: ref.get(node)?.cumX ?? null,
      refY: ref.get(node)?.cumY ?? null,
    }));
  }, [current.data, baseline.data]);

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
          with {fmtTime(base)}
        </label>
        {timeline.error ? <span className="error-text">{timeline.error}</span> : null}
      </div>
      <div className="profile-body">
        <div className="chart profile-chart" data-testid="chart-profile">
          <div className="chart-title">
            Cumulative displacement vs node{' '}
            <span className="muted">[mm] · node 1 = nearest the control unit</span>
          </div>
          <ResponsiveContainer width="100%" height={360}>
            <LineChart data={rows} layout="vertical" margin={{ top: 10, right: 16, bottom: 4, left: 0 }}>
              <CartesianGrid stroke={COLORS.grid} strokeDasharray="2 3" />
              <XAxis type="number" {...AXIS_PROPS} domain={['auto', 'auto']} tickFormatter={tickNumber} />
              <YAxis
                type="number"
                dataKey="node"
                domain={['dataMin', 'dataMax']}
                ticks={nodeTicks(rows.map((r) => r.node))}
                interval={0}
                allowDecimals={false}
                width={40}
                {...AXIS_PROPS}
                label={{ value: 'node', angle: -90, fill: COLORS.axis, fontSize: 11, position: 'insideLeft' }}
              />
              <ReferenceLine x={0} stroke={COLORS.axis} />
              <Tooltip
                {...TOOLTIP_PROPS}
                labelFormatter={(n) => `node ${String(n)}`}
                formatter={(v) => (typeof v === 'number' ? fmtNum(v, 2) : '—')}
              />
              <Legend wrapperStyle={{ fontSize: 11 }} height={18} />
              <Line dataKey="cumX" name="cumX" stroke={COLORS.x} isAnimationActive={false} dot={{ r: 2 }} />
              <Line dataKey="cumY" name="cumY" stroke={COLORS.y} isAnimationActive={false} dot={{ r: 2 }} />
              {showBaseline ? (
                <Line
                  dataKey="refX"
                  name="cumX (start)"
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
                  name="cumY (start)"
                  stroke={COLORS.y}
                  strokeDasharray="4 3"
                  strokeOpacity={0.5}
                  isAnimationActive={false}
                  dot={false}
                />
              ) : null}
            </LineChart>
          </ResponsiveContainer>
        </div>
        <table className="grid-table compact profile-table">
          <thead>
            <tr>
              <th className="num">Node</th>
              <th className="num">cumX</th>
              <th className="num">cumY</th>
              <th className="num">cumR</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.node}>
                <td className="num">{r.node}</td>
                <td className="num">{fmtNum(r.cumX)}</td>
                <td className="num">{fmtNum(r.cumY)}</td>
                <td className="num">{fmtNum(r.cumR)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
