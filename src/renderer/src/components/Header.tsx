import type { ConnectionState } from '../../../contract/client.ts';
import type { StoreInfo } from '../../../contract/types.ts';

const STATE_TEXT: Record<ConnectionState, string> = {
  open: 'live',
  connecting: 'connecting…',
  closed: 'disconnected',
};

export function Header(props: {
  info: StoreInfo | null;
  infoError: string | null;
  transport: string;
  state: ConnectionState;
}) {
  const { info, infoError, transport, state } = props;
  return (
    <header className="header">
      <span className="brand">Catena</span>
      <span className="sep" />
      {info ? (
        <span className="db" data-testid="db-info" title={info.serverVersion}>
          <span className={`kind kind-${info.kind}`}>{info.kind === 'sqlite' ? 'SQLite' : 'MySQL'}</span>
          <span className="location">{info.location}</span>
          <span className="muted">{info.serverVersion}</span>
        </span>
      ) : infoError ? (
        <span className="error-text" role="alert">
          Database: {infoError}
        </span>
      ) : (
        <span className="muted">connecting to the database…</span>
      )}
      <span className="grow" />
      <span className="muted">{transport === 'electron-ipc' ? 'desktop' : 'browser'}</span>
      <span className={`conn conn-${state}`} data-testid="conn-state" title="event stream">
        <span className="dot" /> {STATE_TEXT[state]}
      </span>
      <span className="muted">times in UTC</span>
    </header>
  );
}
