import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { fmtDuration, fmtInt, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { StatusBadge } from './StatusBadge.tsx';

export function RunsTable(props: { api: CatenaApi; chainKey: ChainKey; version: number }) {
  const { api, chainKey, version } = props;
  const runs = useLoad(() => api.listRuns({ key: chainKey, limit: 200 }), [api, chainKey, version]);
  const rows = runs.data ?? [];
  return (
    <div>
      {runs.error ? (
        <p className="error-text" role="alert">
          {runs.error}
        </p>
      ) : null}
      {/* a table that scrolls sideways on a narrow window is reached by the keyboard (WCAG 2.1.1) */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable */}
      <section className="table-wrap" aria-label="Runs" tabIndex={0}>
        <table className="grid-table" data-testid="runs-table">
          <thead>
            <tr>
              <th>Started</th>
              <th>Mode</th>
              <th>Status</th>
              <th>Message</th>
              <th className="num">Duration</th>
              <th>Span</th>
              <th className="num">Read</th>
              <th className="num">Written</th>
              <th className="num">Timestamps</th>
              <th className="num">Invalid</th>
              <th className="num">Spike</th>
              <th className="num">Held</th>
              <th className="num">Events</th>
              <th>Host</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.runId} data-run-status={r.status}>
                <td className="mono">{fmtTime(r.startedAt)}</td>
                <td>{r.mode}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td className={r.status === 'failed' ? 'error-text message' : 'muted message'}>
                  {r.errorCode && r.status === 'failed' ? (
                    <span className="mono">{r.errorCode}: </span>
                  ) : null}
                  {r.message ?? ''}
                  {r.status === 'failed' && r.phase ? <span className="muted"> (in {r.phase})</span> : null}
                </td>
                <td className="num">{r.endedAt === null ? '…' : fmtDuration(r.endedAt - r.startedAt)}</td>
                <td className="mono small">
                  {r.spanFrom === null && r.spanTo === null
                    ? r.mode === 'full'
                      ? 'whole history'
                      : '—'
                    : `${fmtTime(r.spanFrom)} → ${fmtTime(r.spanTo)}`}
                </td>
                <td className="num">{fmtInt(r.rowsRead)}</td>
                <td className="num">{fmtInt(r.rowsWritten)}</td>
                <td className="num">{fmtInt(r.timestamps)}</td>
                <td className="num">{fmtInt(r.invalidRows)}</td>
                <td className="num">{fmtInt(r.spikeRows)}</td>
                <td className="num">{fmtInt(r.heldRows)}</td>
                <td className="num">{fmtInt(r.eventsCreated)}</td>
                <td className="small">{r.host}</td>
              </tr>
            ))}
            {!runs.loading && rows.length === 0 ? (
              <tr>
                <td colSpan={14} className="muted">
                  No runs yet for this chain.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
    </div>
  );
}
