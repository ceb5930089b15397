import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { errorCodeText, fmtDuration, fmtInt, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { phaseWord } from '../state/phases.ts';
import { StatusBadge } from './StatusBadge.tsx';

export function RunsTable(props: { api: CatenaApi; chainKey: ChainKey; version: number }) {
  const { t } = useTranslation();
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
      <section className="table-wrap" aria-label={t('runs.title')} tabIndex={0}>
        <table className="grid-table" data-testid="runs-table">
          <thead>
            <tr>
              <th>{t('runs.started')}</th>
              <th>{t('runs.mode')}</th>
              <th>{t('runs.status')}</th>
              <th>{t('runs.message')}</th>
              <th className="num">{t('runs.duration')}</th>
              <th>{t('runs.span')}</th>
              <th className="num">{t('runs.read')}</th>
              <th className="num">{t('runs.written')}</th>
              <th className="num">{t('runs.timestamps')}</th>
              <th className="num">{t('runs.invalid')}</th>
              <th className="num">{t('runs.spike')}</th>
              <th className="num">{t('runs.held')}</th>
              <th className="num">{t('runs.events')}</th>
              <th>{t('runs.host')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.runId} data-run-status={r.status}>
                <td className="mono">{fmtTime(r.startedAt)}</td>
                <td>{t(`modes.${r.mode}`)}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td className={r.status === 'failed' ? 'error-text message' : 'muted message'}>
                  {r.errorCode && r.status === 'failed' ? (
                    <span className="mono">{errorCodeText(r.errorCode)}: </span>
                  ) : null}
                  {r.message ?? ''}
                  {r.status === 'failed' && r.phase ? (
                    <span className="muted"> {t('runs.inPhase', { phase: phaseWord(r.phase) })}</span>
                  ) : null}
                </td>
                <td className="num">{r.endedAt === null ? '…' : fmtDuration(r.endedAt - r.startedAt)}</td>
                <td className="mono small">
                  {r.spanFrom === null && r.spanTo === null
                    ? r.mode === 'full'
                      ? t('runs.wholeHistory')
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
                  {t('runs.none')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
    </div>
  );
}
