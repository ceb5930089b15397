import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { FLAGS } from '../../../contract/types.ts';
import { AXIS_PROPS, COLORS, TOOLTIP_PROPS } from '../chart.ts';
import { fmtInt, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';

const MAX_ROWS = 200_000;

interface NodeQuality {
  node: number;
  rows: number;
  invalid: number;
  spike: number;
  held: number;
  noReference: number;
  gravity: number;
}

/** Flag counts per node over the newest elaborated rows (ELABORATION.md §3.13), and the last run's counts. */
export function QualityPanel(props: { api: CatenaApi; chainKey: ChainKey; version: number }) {
  const { api, chainKey, version } = props;
  const series = useLoad(() => api.series({ key: chainKey, limit: MAX_ROWS }), [api, chainKey, version]);
  const lastRun = useLoad(() => api.listRuns({ key: chainKey, limit: 1 }), [api, chainKey, version]);

  const { perNode, total, span } = useMemo(() => {
    const s = series.data;
    const map = new Map<number, NodeQuality>();
    if (!s) return { perNode: [] as NodeQuality[], total: null, span: null };
    let tMin = Number.POSITIVE_INFINITY;
    let tMax = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < s.length; i++) {
      const node = s.nodeIndex[i]!;
      let q = map.get(node);
      if (!q) {
        q = { node, rows: 0, invalid: 0, spike: 0, held: 0, noReference: 0, gravity: 0 };
        map.set(node, q);
      }
      const f = s.flags[i]!;
      q.rows++;
      if (f & FLAGS.INVALID) q.invalid++;
      if (f & (FLAGS.SPIKE_X | FLAGS.SPIKE_Y)) q.spike++;
      if (f & FLAGS.HELD) q.held++;
      if (f & FLAGS.NO_REFERENCE) q.noReference++;
      if (f & FLAGS.GRAVITY) q.gravity++;
      const t = s.timestamp[i];
      if (t !== null && t !== undefined) {
        tMin = Math.min(tMin, t);
        tMax = Math.max(tMax, t);
      }
    }
    const perNode = [...map.values()].sort((a, b) => a.node - b.node);
    const total = perNode.reduce(
      (acc, q) => ({
        node: 0,
        rows: acc.rows + q.rows,
        invalid: acc.invalid + q.invalid,
        spike: acc.spike + q.spike,
        held: acc.held + q.held,
        noReference: acc.noReference + q.noReference,
        gravity: acc.gravity + q.gravity,
      }),
      { node: 0, rows: 0, invalid: 0, spike: 0, held: 0, noReference: 0, gravity: 0 },
    );
    return { perNode, total, span: s.length > 0 ? [tMin, tMax] : null };
  }, [series.data]);

  const run = lastRun.data?.[0];
  const pct = (n: number, of: number) => (of > 0 ? `${((n / of) * 100).toFixed(2)}%` : '—');

  return (
    <div className="quality">
      {series.error ? (
        <p className="error-text" role="alert">
          {series.error}
        </p>
      ) : null}
      <div className="quality-summary">
        {total ? (
          <div className="stat-row" data-testid="quality-totals">
            <Stat label="rows" value={fmtInt(total.rows)} />
            <Stat
              label="invalid"
              value={fmtInt(total.invalid)}
              sub={pct(total.invalid, total.rows)}
              tone="bad"
            />
            <Stat label="spike" value={fmtInt(total.spike)} sub={pct(total.spike, total.rows)} tone="warn" />
            <Stat label="held" value={fmtInt(total.held)} sub={pct(total.held, total.rows)} />
            <Stat label="no reference" value={fmtInt(total.noReference)} />
            <Stat label="gravity" value={fmtInt(total.gravity)} />
          </div>
        ) : null}
        <p className="muted small">
          {span ? `Elaborated rows ${fmtTime(span[0])} → ${fmtTime(span[1])}` : 'No elaborated rows.'}
          {series.data && series.data.length >= MAX_ROWS ? ` (newest ${fmtInt(MAX_ROWS)} rows)` : ''}
          {run
            ? ` · last run ${fmtTime(run.startedAt)} (${run.status}): ${fmtInt(run.invalidRows)} invalid, ${fmtInt(
                run.spikeRows,
              )} spike, ${fmtInt(run.heldRows)} held, ${fmtInt(run.ignoredRawRows)} raw rows of unknown nodes ignored`
            : ''}
        </p>
      </div>
      <div className="quality-body">
        <div className="chart" data-testid="chart-quality">
          <div className="chart-title">Flagged rows per node</div>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={perNode} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={COLORS.grid} strokeDasharray="2 3" />
              <XAxis dataKey="node" {...AXIS_PROPS} />
              <YAxis width={48} {...AXIS_PROPS} allowDecimals={false} />
              <Tooltip
                {...TOOLTIP_PROPS}
                labelFormatter={(n) => `node ${String(n)}`}
                cursor={{ fill: '#ffffff10' }}
              />
              <Legend wrapperStyle={{ fontSize: 11 }} height={18} />
              <Bar dataKey="invalid" stackId="f" fill={COLORS.invalid} isAnimationActive={false} />
              <Bar dataKey="spike" stackId="f" fill={COLORS.spike} isAnimationActive={false} />
              <Bar dataKey="held" stackId="f" fill={COLORS.held} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <div className="table-wrap">
          <table className="grid-table compact" data-testid="quality-table">
            <thead>
              <tr>
                <th className="num">Node</th>
                <th className="num">Rows</th>
                <th className="num">Invalid</th>
                <th className="num">Spike</th>
                <th className="num">Held</th>
                <th className="num">No ref.</th>
                <th className="num">Gravity</th>
              </tr>
            </thead>
            <tbody>
              {perNode.map((q) => (
                <tr key={q.node}>
                  <td className="num">{q.node}</td>
                  <td className="num">{fmtInt(q.rows)}</td>
                  <td className={`num ${q.invalid > 0 ? 'error-text' : ''}`}>{fmtInt(q.invalid)}</td>
                  <td className={`num ${q.spike > 0 ? 'warn-text' : ''}`}>{fmtInt(q.spike)}</td>
                  <td className="num">{fmtInt(q.held)}</td>
                  <td className="num">{fmtInt(q.noReference)}</td>
                  <td className="num">{fmtInt(q.gravity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}

function Stat(props: { label: string; value: string; sub?: string; tone?: 'bad' | 'warn' }) {
  return (
    <div className={`stat ${props.tone ?? ''}`}>
      <div className="stat-value">{props.value}</div>
      <div className="stat-label">
        {props.label}
        {props.sub ? <span className="muted"> · {props.sub}</span> : null}
      </div>
    </div>
  );
}
