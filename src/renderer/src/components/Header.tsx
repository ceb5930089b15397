import { memo } from 'react';
import type { ConnectionState } from '../../../contract/client.ts';
import type { ServiceInfo } from '../../../contract/types.ts';
import { DEFAULT_STALE_AFTER_HOURS, type OverviewCounts, type StateFilter } from '../state/overview.ts';

const STATE_TEXT: Record<ConnectionState, string> = {
  open: 'live',
  connecting: 'connecting…',
  closed: 'disconnected',
};

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
}) {
  const { info, infoError, transport, state, counts } = props;
  const worstLevel = counts ? [3, 2, 1].find((l) => (counts.byLevel[l] ?? 0) > 0) : undefined;
  const filterButton = (filter: StateFilter, count: number, text: string, tone: string, title: string) => (
    <button
      type="button"
      className={`count ${count > 0 ? tone : 'count-zero'}`}
      aria-pressed={props.stateFilter === filter}
      onClick={() => props.onStateFilter(props.stateFilter === filter ? 'all' : filter)}
      title={`${title} (click to show only those)`}
      data-testid={`count-${filter}`}
    >
      <span className="count-value">{count}</span> {text}
    </button>
  );
  return (
    <header className="header">
      <span className="brand">Catena</span>
      <span className="sep" />
      {counts ? (
        <fieldset className="counts">
          <legend className="sr-only">Chains needing attention</legend>
          {filterButton(
            'alarm',
            counts.alarm,
            'in alarm',
            `tone-level-${worstLevel ?? 0}`,
            `chains with a metric at attention or above: ${counts.byLevel[3]} alarm, ${counts.byLevel[2]} pre-alarm, ${counts.byLevel[1]} attention`,
          )}
          {filterButton(
            'stale',
            counts.stale,
            'stale',
            'tone-stale',
            `chains whose newest raw row is older than their stale limit (${DEFAULT_STALE_AFTER_HOURS} h by default)`,
          )}
          {filterButton('failed', counts.failed, 'failed', 'tone-failed', 'chains whose last run failed')}
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
          Database: {infoError}
        </span>
      ) : (
        <span className="muted">connecting to the database…</span>
      )}
      {props.onConnections ? (
        <button type="button" className="small-btn" onClick={props.onConnections}>
          Connections…
        </button>
      ) : null}
      <span className="grow" />
      <span className="muted">{transport === 'electron-ipc' ? 'desktop' : 'browser'}</span>
      <span className={`conn conn-${state}`} data-testid="conn-state" title="event stream">
        <span className="dot" /> {STATE_TEXT[state]}
      </span>
      <span className="muted">times in UTC</span>
    </header>
  );
});
