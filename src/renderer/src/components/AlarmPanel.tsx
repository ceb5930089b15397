/**
 * A chain's alarm panel: its events not yet acknowledged first (newest
 * first), acknowledged one at a time or all at once with a note, and the log
 * of who acknowledged what. "By" is the operator's name from this
 * workstation's setting (kept in localStorage, asked before the first
 * acknowledgement); a service with an API token records the token's name.
 */
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey, StoredAlarmEvent } from '../../../contract/types.ts';
import { useCanWrite } from '../access.ts';
import { errorMessage, fmtNum, fmtTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { metricInfo } from '../state/overview.ts';
import { ReadOnlyNote } from './ReadOnlyNote.tsx';

const OPERATOR_KEY = 'catena.operatorName';

function storedOperator(): string {
  try {
    return globalThis.localStorage?.getItem(OPERATOR_KEY) ?? '';
  } catch {
    return '';
  }
}

function storeOperator(name: string): void {
  try {
    globalThis.localStorage?.setItem(OPERATOR_KEY, name);
  } catch {
    // storage refused (private mode): the name holds for this page only
  }
}

const eventId = (e: StoredAlarmEvent) => `${e.metric}@${e.timestamp}`;

function Level(props: { event: StoredAlarmEvent }) {
  const e = props.event;
  return (
    <>
      <span className="muted">{e.previousLevel} → </span>
      <span className={`level level-${e.level}`}>{e.level}</span>
      {e.level > e.previousLevel ? ' ▲' : ' ▼'}
    </>
  );
}

function Value(props: { event: StoredAlarmEvent }) {
  const e = props.event;
  const unit = metricInfo(e.metric).unit;
  return e.value === null ? (
    <>—</>
  ) : (
    <>
      {fmtNum(e.value, 2)} <span className="muted">{unit}</span>
    </>
  );
}

export function AlarmPanel(props: { api: CatenaApi; chainKey: ChainKey; version: number }) {
  const { t } = useTranslation();
  const { api, chainKey, version } = props;
  const events = useLoad(() => api.events({ key: chainKey, limit: 1000 }), [api, chainKey, version]);
  const [operator, setOperator] = useState(storedOperator);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const ids = { operator: useId(), note: useId() };
  const canWrite = useCanWrite();

  const { open, log } = useMemo(() => {
    const all = events.data ?? [];
    return {
      open: all.filter((e) => e.acknowledgedAt === null).sort((a, b) => b.timestamp - a.timestamp),
      log: all
        .filter((e) => e.acknowledgedAt !== null)
        .sort((a, b) => (b.acknowledgedAt ?? 0) - (a.acknowledgedAt ?? 0) || b.timestamp - a.timestamp),
    };
  }, [events.data]);

  const name = operator.trim();
  const ready = canWrite && name !== '' && !busy;

  const acknowledge = async (which: StoredAlarmEvent[] | 'all') => {
    if (name === '') {
      setFailure(t('alarms.nameFirst'));
      return;
    }
    setBusy(true);
    setFailure(null);
    setDone(null);
    try {
      const result = await api.acknowledgeEvents({
        key: chainKey,
        ...(which === 'all'
          ? {}
          : { events: which.map((e) => ({ metric: e.metric, timestamp: e.timestamp })) }),
        note: note.trim() === '' ? null : note.trim(),
        by: name,
      });
      setDone(
        result.acknowledged === 0
          ? t('alarms.nothing')
          : t('alarms.acknowledged', { count: result.acknowledged, by: result.by }),
      );
      setNote('');
      events.reload();
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="alarm-panel" data-testid="alarm-panel">
      {canWrite ? null : <ReadOnlyNote />}
      <div className="operator" hidden={!canWrite}>
        <label htmlFor={ids.operator}>{t('alarms.operator')}</label>
        <input
          id={ids.operator}
          data-testid="operator-name"
          value={operator}
          maxLength={128}
          placeholder={t('alarms.operatorPlaceholder')}
          onChange={(e) => {
            setOperator(e.target.value);
            storeOperator(e.target.value.trim());
          }}
        />
        {name === '' ? <span className="muted small">{t('alarms.recordWho')}</span> : null}
      </div>
      <div className="ack-bar" hidden={!canWrite}>
        <label htmlFor={ids.note}>{t('alarms.note')}</label>
        <input
          id={ids.note}
          className="ack-note"
          data-testid="ack-note"
          value={note}
          maxLength={2000}
          placeholder={t('alarms.notePlaceholder')}
          onChange={(e) => setNote(e.target.value)}
        />
        <button
          type="button"
          className="primary"
          data-testid="ack-all"
          disabled={!ready || open.length === 0}
          title={name === '' ? t('alarms.nameFirstShort') : t('alarms.ackAllTitle')}
          onClick={() => void acknowledge('all')}
        >
          {t('alarms.ackAll', { count: open.length })}
        </button>
        {done ? (
          <span className="muted small" role="status">
            {done}
          </span>
        ) : null}
      </div>
      {failure ? (
        <p className="error-text" role="alert">
          {failure}
        </p>
      ) : null}
      {events.error ? (
        <p className="error-text" role="alert">
          {events.error}
        </p>
      ) : null}

      <h3>{t('alarms.open', { count: open.length })}</h3>
      <div className="table-wrap">
        <table className="grid-table" data-testid="alarms-open">
          <thead>
            <tr>
              <th>{t('events.time')}</th>
              <th>{t('events.metric')}</th>
              <th className="num">{t('events.node')}</th>
              <th>{t('events.level')}</th>
              <th className="num">{t('events.value')}</th>
              <th>{t('events.notified')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {open.map((e) => (
              <tr key={eventId(e)} className="open" data-event={eventId(e)}>
                <td className="mono">{fmtTime(e.timestamp)}</td>
                <td>{metricInfo(e.metric).label}</td>
                <td className="num">{e.nodeIndex ?? '—'}</td>
                <td>
                  <Level event={e} />
                </td>
                <td className="num">
                  <Value event={e} />
                </td>
                <td className="mono">{e.notifiedAt === null ? '—' : fmtTime(e.notifiedAt)}</td>
                <td>
                  <button
                    type="button"
                    className="small-btn"
                    hidden={!canWrite}
                    disabled={!ready}
                    title={name === '' ? t('alarms.nameFirstShort') : t('alarms.ackOneTitle')}
                    onClick={() => void acknowledge([e])}
                  >
                    {t('alarms.ack')}
                  </button>
                </td>
              </tr>
            ))}
            {!events.loading && open.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {t('alarms.allAcknowledged')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>

      <h3>{t('alarms.log', { count: log.length })}</h3>
      <div className="table-wrap">
        <table className="grid-table" data-testid="alarms-log">
          <thead>
            <tr>
              <th>{t('alarms.ackedAt')}</th>
              <th>{t('alarms.by')}</th>
              <th>{t('alarms.note')}</th>
              <th>{t('alarms.eventTime')}</th>
              <th>{t('events.metric')}</th>
              <th>{t('events.level')}</th>
            </tr>
          </thead>
          <tbody>
            {log.map((e) => (
              <tr key={eventId(e)} data-event={eventId(e)}>
                <td className="mono">{fmtTime(e.acknowledgedAt)}</td>
                <td>{e.acknowledgedBy ?? '—'}</td>
                <td className="ellipsis" title={e.ackNote ?? ''}>
                  {e.ackNote ?? <span className="muted">—</span>}
                </td>
                <td className="mono">{fmtTime(e.timestamp)}</td>
                <td>{metricInfo(e.metric).label}</td>
                <td>
                  <Level event={e} />
                </td>
              </tr>
            ))}
            {!events.loading && log.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  {t('alarms.nothingYet')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {(events.data?.length ?? 0) >= 1000 ? <p className="muted small">{t('alarms.newest')}</p> : null}
    </div>
  );
}
