import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey, NodeFlagCounts } from '../../../contract/types.ts';
import { AXIS_PROPS, COLORS, TOOLTIP_PROPS } from '../chart.ts';
import { fmtInt, fmtNum, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { deadNote, lastValidTitle } from '../node-health.ts';
import { ChartBox } from './ChartBox.tsx';

const COUNT_NAMES = ['rows', 'invalid', 'spikeX', 'spikeY', 'held', 'noReference', 'gravity'] as const;

type Counts = Pick<NodeFlagCounts, (typeof COUNT_NAMES)[number]>;

function sum(perNode: readonly NodeFlagCounts[]): Counts {
  const total: Counts = { rows: 0, invalid: 0, spikeX: 0, spikeY: 0, held: 0, noReference: 0, gravity: 0 };
  for (const q of perNode) for (const name of COUNT_NAMES) total[name] += q[name];
  return total;
}

/**
 * Flag counts per node over all elaborated rows (ELABORATION.md §3.13), counted
 * by the database (one grouped query), and the last run's counts. A row with
 * several flags counts under each.
 */
export function QualityPanel(props: { api: CatenaApi; chainKey: ChainKey; version: number }) {
  const { t } = useTranslation();
  const { api, chainKey, version } = props;
  const quality = useLoad(() => api.quality({ key: chainKey }), [api, chainKey, version]);
  const lastRun = useLoad(() => api.listRuns({ key: chainKey, limit: 1 }), [api, chainKey, version]);

  const { perNode, total, span } = useMemo(() => {
    const perNode = quality.data ?? [];
    if (!quality.data) return { perNode, total: null, span: null };
    const span =
      perNode.length > 0
        ? [Math.min(...perNode.map((q) => q.firstAt)), Math.max(...perNode.map((q) => q.lastAt))]
        : null;
    return { perNode, total: sum(perNode), span };
  }, [quality.data]);

  const run = lastRun.data?.[0];
  const pct = (n: number, of: number) => (of > 0 ? `${fmtNum((n / of) * 100, 2)}%` : '—');

  return (
    <div className="quality">
      {quality.error ? (
        <p className="error-text" role="alert">
          {quality.error}
        </p>
      ) : null}
      <div className="quality-summary">
        {total ? (
          <div className="stat-row" data-testid="quality-totals">
            <Stat label={t('quality.rows')} value={fmtInt(total.rows)} />
            <Stat
              label={t('quality.invalid')}
              value={fmtInt(total.invalid)}
              sub={pct(total.invalid, total.rows)}
              tone="bad"
            />
            <Stat
              label={t('quality.spikeX')}
              value={fmtInt(total.spikeX)}
              sub={pct(total.spikeX, total.rows)}
              tone="warn"
            />
            <Stat
              label={t('quality.spikeY')}
              value={fmtInt(total.spikeY)}
              sub={pct(total.spikeY, total.rows)}
              tone="warn"
            />
            <Stat label={t('quality.held')} value={fmtInt(total.held)} sub={pct(total.held, total.rows)} />
            <Stat label={t('quality.noReference')} value={fmtInt(total.noReference)} />
            <Stat label={t('quality.gravity')} value={fmtInt(total.gravity)} />
          </div>
        ) : null}
        <p className="muted small">
          {span ? t('quality.span', { from: fmtTime(span[0]), to: fmtTime(span[1]) }) : t('quality.noRows')}
          {run
            ? ` · ${t('quality.lastRun', {
                at: fmtTime(run.startedAt),
                status: t(`status.${run.status}`),
                invalid: fmtInt(run.invalidRows),
                spike: fmtInt(run.spikeRows),
                held: fmtInt(run.heldRows),
                ignored: fmtInt(run.ignoredRawRows),
              })}`
            : ''}
        </p>
      </div>
      <div className="quality-body">
        <ChartBox testId="chart-quality">
          <div className="chart-title">{t('quality.chartTitle')}</div>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={perNode} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={COLORS.grid} strokeDasharray="2 3" />
              <XAxis dataKey="nodeIndex" {...AXIS_PROPS} />
              <YAxis width={48} {...AXIS_PROPS} allowDecimals={false} />
              <Tooltip
                {...TOOLTIP_PROPS}
                labelFormatter={(n) => t('quality.node', { node: String(n) })}
                cursor={{ fill: '#ffffff10' }}
              />
              <Legend wrapperStyle={{ fontSize: 11 }} height={18} />
              <Bar
                dataKey="invalid"
                name={t('quality.invalid')}
                stackId="f"
                fill={COLORS.invalid}
                isAnimationActive={false}
              />
              <Bar
                dataKey="spikeX"
                name={t('quality.spikeX')}
                stackId="f"
                fill={COLORS.spike}
                isAnimationActive={false}
              />
              <Bar
                dataKey="spikeY"
                name={t('quality.spikeY')}
                stackId="f"
                fill={COLORS.spikeY}
                isAnimationActive={false}
              />
              <Bar
                dataKey="held"
                name={t('quality.held')}
                stackId="f"
                fill={COLORS.held}
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        </ChartBox>
        {/* a table that scrolls sideways on a narrow window is reached by the keyboard (WCAG 2.1.1) */}
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable */}
        <section className="table-wrap" aria-label={t('quality.perNode')} tabIndex={0}>
          <table className="grid-table compact" data-testid="quality-table">
            <thead>
              <tr>
                <th className="num">{t('quality.th.node')}</th>
                <th className="num">{t('quality.th.rows')}</th>
                <th className="num">{t('quality.th.invalid')}</th>
                <th className="num">{t('quality.th.spikeX')}</th>
                <th className="num">{t('quality.th.spikeY')}</th>
                <th className="num">{t('quality.th.held')}</th>
                <th className="num">{t('quality.th.noRef')}</th>
                <th className="num">{t('quality.th.gravity')}</th>
                <th>{t('quality.th.lastValid')}</th>
              </tr>
            </thead>
            <tbody>
              {perNode.map((q) => (
                <tr key={q.nodeIndex}>
                  <td className="num">{q.nodeIndex}</td>
                  <td className="num">{fmtInt(q.rows)}</td>
                  <td className={`num ${q.invalid > 0 ? 'error-text' : ''}`}>{fmtInt(q.invalid)}</td>
                  <td className={`num ${q.spikeX > 0 ? 'warn-text' : ''}`}>{fmtInt(q.spikeX)}</td>
                  <td className={`num ${q.spikeY > 0 ? 'warn-text' : ''}`}>{fmtInt(q.spikeY)}</td>
                  <td className="num">{fmtInt(q.held)}</td>
                  <td className="num">{fmtInt(q.noReference)}</td>
                  <td className="num">{fmtInt(q.gravity)}</td>
                  <td className={deadNote(q) ? 'warn-text' : 'muted'} title={lastValidTitle(q)}>
                    {deadNote(q) ?? t('quality.atLastRow')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
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
