import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { fmtNum, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';

const METRIC: Record<string, { label: string; unit: string }> = {
  cumulative_mm: { label: 'cumulative', unit: 'mm' },
  velocity_mm_per_day: { label: 'velocity', unit: 'mm/day' },
  tilt_deg: { label: 'tilt', unit: '°' },
};

export function EventsTable(props: { api: CatenaApi; chainKey: ChainKey; version: number }) {
  const { api, chainKey, version } = props;
  const events = useLoad(() => api.events({ key: chainKey, limit: 1000 }), [api, chainKey, version]);
  const rows = events.data ?? [];
  return (
    <div>
      {events.error ? (
        <p className="error-text" role="alert">
          {events.error}
        </p>
      ) : null}
      <p className="muted small">
        {rows.length} alarm events{rows.length >= 1000 ? ' (newest 1000)' : ''}. A level change is an event;
        level 0 = back to normal.
      </p>
      {/* a table that scrolls sideways on a narrow window is reached by the keyboard (WCAG 2.1.1) */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable */}
      <section className="table-wrap" aria-label="Alarm events" tabIndex={0}>
        <table className="grid-table" data-testid="events-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Metric</th>
              <th className="num">Node</th>
              <th>Level</th>
              <th className="num">Value</th>
              <th>Created</th>
              <th>Notified</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => {
              const metric = METRIC[e.metric] ?? { label: e.metric, unit: '' };
              const rising = e.level > e.previousLevel;
              return (
                <tr key={`${e.metric}-${e.timestamp}`}>
                  <td className="mono">{fmtTime(e.timestamp)}</td>
                  <td>{metric.label}</td>
                  <td className="num">{e.nodeIndex ?? '—'}</td>
                  <td>
                    <span className="muted">{e.previousLevel} → </span>
                    <span className={`level level-${e.level}`}>{e.level}</span>
                    {rising ? ' ▲' : ' ▼'}
                  </td>
                  <td className="num">
                    {e.value === null ? '—' : fmtNum(e.value, 2)}{' '}
                    {e.value === null ? null : <span className="muted">{metric.unit}</span>}
                  </td>
                  <td className="mono">{fmtTime(e.createdAt)}</td>
                  <td className="mono">
                    {e.notifiedAt === null ? <span className="muted">—</span> : fmtTime(e.notifiedAt)}
                  </td>
                </tr>
              );
            })}
            {!events.loading && rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  No alarm events for this chain.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
    </div>
  );
}
