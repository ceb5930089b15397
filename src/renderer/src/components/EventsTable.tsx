import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { fmtNum, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { metricInfo } from '../state/overview.ts';

export function EventsTable(props: { api: CatenaApi; chainKey: ChainKey; version: number }) {
  const { t } = useTranslation();
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
        {t('events.count', { count: rows.length })}
        {rows.length >= 1000 ? ` ${t('events.newest')}` : ''}. {t('events.note')}
      </p>
      {/* a table that scrolls sideways on a narrow window is reached by the keyboard (WCAG 2.1.1) */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable */}
      <section className="table-wrap" aria-label={t('events.title')} tabIndex={0}>
        <table className="grid-table" data-testid="events-table">
          <thead>
            <tr>
              <th>{t('events.time')}</th>
              <th>{t('events.metric')}</th>
              <th className="num">{t('events.node')}</th>
              <th>{t('events.level')}</th>
              <th className="num">{t('events.value')}</th>
              <th>{t('events.created')}</th>
              <th>{t('events.notified')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => {
              const metric = metricInfo(e.metric);
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
                  {t('events.none')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
    </div>
  );
}
