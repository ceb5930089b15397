import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '../../../contract/client.ts';
import type { ServiceInfo } from '../../../contract/types.ts';
import { LANGS, type Lang } from '../i18n/index.ts';
import { DEFAULT_STALE_AFTER_HOURS, type OverviewCounts, type StateFilter } from '../state/overview.ts';
import type { ZoneMode, ZoneSource } from '../time-zone.ts';

export const Header = memo(function Header(props: {
  info: ServiceInfo | null;
  infoError: string | null;
  transport: string;
  state: ConnectionState;
  /** null while the stations load */
  counts: OverviewCounts | null;
  stateFilter: StateFilter;
  onStateFilter(state: StateFilter): void;
  /** opens the connection manager */
  onConnections?(): void;
  lang: Lang;
  onLang(lang: Lang): void;
  zoneMode: ZoneMode;
  onZoneMode(mode: ZoneMode): void;
  /** the zone times are shown in, and where it comes from */
  zone: { zone: string; source: ZoneSource };
}) {
  const { t } = useTranslation();
  const { info, infoError, transport, state, counts } = props;
  const worstLevel = counts ? [3, 2, 1].find((l) => (counts.byLevel[l] ?? 0) > 0) : undefined;
  const filterButton = (filter: StateFilter, count: number, text: string, tone: string, title: string) => (
    <button
      type="button"
      className={`count ${count > 0 ? tone : 'count-zero'}`}
      aria-pressed={props.stateFilter === filter}
      onClick={() => props.onStateFilter(props.stateFilter === filter ? 'all' : filter)}
      title={t('header.filterTitle', { title })}
      data-testid={`count-${filter}`}
    >
      <span className="count-value">{count}</span> {text}
    </button>
  );
  // the switch says UTC; local time says whose zone it is (the site's, or this computer's when the site has none)
  const zoneText =
    props.zone.source === 'utc'
      ? null
      : t(props.zone.source === 'site' ? 'header.zoneSite' : 'header.zoneOperator', {
          zone: props.zone.zone,
        });
  return (
    <header className="header">
      <span className="brand">Catena</span>
      <span className="sep" />
      {counts ? (
        <fieldset className="counts">
          <legend className="sr-only">{t('header.attention')}</legend>
          {filterButton(
            'alarm',
            counts.alarm,
            t('header.inAlarm'),
            `tone-level-${worstLevel ?? 0}`,
            t('header.inAlarmTitle', {
              alarm: counts.byLevel[3],
              preAlarm: counts.byLevel[2],
              attention: counts.byLevel[1],
            }),
          )}
          {filterButton(
            'stale',
            counts.stale,
            t('header.stale'),
            'tone-stale',
            t('header.staleTitle', { hours: DEFAULT_STALE_AFTER_HOURS }),
          )}
          {filterButton('failed', counts.failed, t('header.failed'), 'tone-failed', t('header.failedTitle'))}
        </fieldset>
      ) : null}
      <span className="sep" />
      {info ? (
        <span className="db" data-testid="db-info" title={info.serverVersion}>
          <span className={`kind kind-${info.kind}`}>{info.kind === 'sqlite' ? 'SQLite' : 'MySQL'}</span>
          <span className="location">{info.location}</span>
          <span className="muted version">{info.serverVersion}</span>
        </span>
      ) : infoError ? (
        <span className="error-text" role="alert">
          {t('header.database', { error: infoError })}
        </span>
      ) : (
        <span className="muted">{t('header.connectingDb')}</span>
      )}
      {props.onConnections ? (
        <button type="button" className="small-btn" onClick={props.onConnections}>
          {t('header.connections')}
        </button>
      ) : null}
      <span className="grow" />
      <span className="muted transport">
        {transport === 'electron-ipc' ? t('header.desktop') : t('header.browser')}
      </span>
      <span className={`conn conn-${state}`} data-testid="conn-state" title={t('header.eventStream')}>
        <span className="dot" /> {t(`header.conn.${state}`)}
      </span>
      <fieldset className="switch" data-testid="zone-switch">
        <legend className="sr-only">{t('header.zoneLegend')}</legend>
        {(['utc', 'local'] as const).map((mode) => (
          <button
            key={mode}
            type="button"
            className="small-btn"
            aria-pressed={props.zoneMode === mode}
            onClick={() => props.onZoneMode(mode)}
            title={mode === 'utc' ? t('header.zoneUtcTitle') : t('header.zoneLocalTitle')}
          >
            {mode === 'utc' ? 'UTC' : t('header.local')}
          </button>
        ))}
      </fieldset>
      {zoneText ? (
        <span
          className="muted zone-note"
          data-testid="zone-note"
          title={t(props.zone.source === 'site' ? 'header.timesSite' : 'header.timesOperator', {
            zone: props.zone.zone,
          })}
        >
          {zoneText}
        </span>
      ) : null}
      <fieldset className="switch" data-testid="lang-switch">
        <legend className="sr-only">{t('header.langLegend')}</legend>
        {LANGS.map((lang) => (
          <button
            key={lang}
            type="button"
            className="small-btn"
            lang={lang}
            aria-pressed={props.lang === lang}
            onClick={() => props.onLang(lang)}
            title={t(`header.langName.${lang}`)}
          >
            {lang.toUpperCase()}
          </button>
        ))}
      </fieldset>
    </header>
  );
});
