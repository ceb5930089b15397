import { useCallback, useEffect, useRef, useState } from 'react';
import type { CatenaApi, MethodInput, MethodOutput } from '../../../contract/methods.ts';
import type { ChainKey, ServiceInfo } from '../../../contract/types.ts';
import { errorMessage, fmtTime } from '../format.ts';
import { TakeOffline } from './TakeOffline.tsx';

type ConnectionList = MethodOutput<'listConnections'>;
type Target = MethodInput<'connect'>;
type Tls = 'off' | 'on' | 'skip-verify';

/** What a test or a connection found, in one line. */
function whatItIs(info: ServiceInfo): string {
  const version = info.kind === 'sqlite' ? info.serverVersion : `MySQL/MariaDB ${info.serverVersion}`;
  const what = info.snapshot
    ? `an offline snapshot of ${info.snapshot.source} taken ${fmtTime(info.snapshot.takenAt)} UTC (read-only)`
    : 'a Catena database';
  return `${info.location}: ${what}, ${version}.`;
}

/**
 * The connection manager: the recent connections, and a new one (a
 * MySQL/MariaDB server, or an SQLite file or snapshot) to test or connect
 * to. Connecting switches the service's database without a restart; the page
 * then reloads everything from the new database.
 */
export function ConnectionsDialog(props: {
  api: CatenaApi;
  info: ServiceInfo | null;
  /** the chains ticked in the stations table (Take offline copies those, or all) */
  selected: ChainKey[];
  onClose(): void;
  onConnected(info: ServiceInfo): void;
}) {
  const { api } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [list, setList] = useState<ConnectionList | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [kind, setKind] = useState<'mysql' | 'sqlite'>('mysql');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('3306');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [database, setDatabase] = useState('');
  const [tls, setTls] = useState<Tls>('off');
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const reload = useCallback(() => {
    api.listConnections().then(
      (l) => {
        setList(l);
        setListError(null);
      },
      (reason: unknown) => setListError(errorMessage(reason)),
    );
  }, [api]);

  useEffect(() => {
    dialog.current?.showModal();
    reload();
  }, [reload]);

  const typed = (): Target => {
    if (kind === 'sqlite') return { kind: 'sqlite', path: path.trim() };
    const portNumber = Number(port);
    return {
      kind: 'mysql',
      host: host.trim(),
      ...(port.trim() === '' ? {} : { port: Number.isInteger(portNumber) ? portNumber : 0 }),
      user: user.trim(),
      password,
      database: database.trim(),
      tls: tls === 'off' ? false : tls === 'on' ? true : 'skip-verify',
    };
  };

  const run = async (action: 'test' | 'connect', target: Target) => {
    setBusy(true);
    setResult(null);
    try {
      if (action === 'test') {
        setResult({ ok: true, text: `Test passed: ${whatItIs(await api.testConnection(target))}` });
      } else {
        const info = await api.connect(target);
        setResult({ ok: true, text: `Connected: ${whatItIs(info)}` });
        props.onConnected(info);
      }
    } catch (reason) {
      setResult({ ok: false, text: errorMessage(reason) });
    } finally {
      setBusy(false);
    }
  };

  const forget = async (id: string) => {
    try {
      await api.forgetConnection({ id });
    } catch (reason) {
      setResult({ ok: false, text: errorMessage(reason) });
    }
    reload();
  };

  return (
    <dialog
      ref={dialog}
      className="connections-dialog"
      aria-labelledby="connections-title"
      onClose={props.onClose}
      data-testid="connections-dialog"
    >
      <div className="panel-head">
        <h2 id="connections-title">Connections</h2>
        <span className="grow" />
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      {props.info ? (
        <p className="muted small" data-testid="connections-current">
          Connected to {props.info.location}
          {props.info.readOnly ? ' (offline snapshot, read-only)' : ''}
        </p>
      ) : null}

      <h3>Recent</h3>
      {listError ? (
        <p className="error-text" role="alert">
          {listError}
        </p>
      ) : list === null ? (
        <p className="muted">loading…</p>
      ) : list.connections.length === 0 ? (
        <p className="muted">No recent connections.</p>
      ) : (
        <table className="grid-table connections-table" data-testid="connections-table">
          <tbody>
            {list.connections.map((c) => (
              <tr key={c.id} data-connection={c.label}>
                <td className="mono">{c.label}</td>
                <td className="muted small">
                  {c.kind === 'sqlite' ? 'SQLite' : c.hasPassword ? 'password stored' : 'no password stored'}
                </td>
                <td className="actions">
                  <button type="button" disabled={busy} onClick={() => void run('test', { id: c.id })}>
                    Test
                  </button>{' '}
                  <button
                    type="button"
                    className="primary"
                    disabled={busy || props.info?.location === c.label}
                    onClick={() => void run('connect', { id: c.id })}
                    aria-label={`Connect to ${c.label}`}
                  >
                    Connect
                  </button>{' '}
                  <button type="button" className="link" onClick={() => void forget(c.id)}>
                    Forget
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>New connection</h3>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run('connect', typed());
        }}
      >
        <div className="segmented" role="radiogroup" aria-label="Database kind">
          {(
            [
              ['mysql', 'MySQL / MariaDB server'],
              ['sqlite', 'SQLite file or snapshot'],
            ] as const
          ).map(([value, text]) => (
            <label key={value} className={kind === value ? 'on' : ''}>
              <input
                type="radio"
                name="connection-kind"
                value={value}
                checked={kind === value}
                onChange={() => setKind(value)}
              />
              {text}
            </label>
          ))}
        </div>
        {kind === 'mysql' ? (
          <div className="connection-fields">
            <label>
              Host <input value={host} onChange={(e) => setHost(e.target.value)} placeholder="db.example" />
            </label>
            <label>
              Port{' '}
              <input
                className="narrow"
                value={port}
                onChange={(e) => setPort(e.target.value)}
                inputMode="numeric"
              />
            </label>
            <label>
              User <input value={user} onChange={(e) => setUser(e.target.value)} autoComplete="username" />
            </label>
            <label>
              Password{' '}
              <input
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="current-password"
              />
            </label>
            <label>
              Database <input value={database} onChange={(e) => setDatabase(e.target.value)} />
            </label>
            <label>
              TLS{' '}
              <select value={tls} onChange={(e) => setTls(e.target.value as Tls)}>
                <option value="off">off</option>
                <option value="on">on, certificate verified</option>
                <option value="skip-verify">on, certificate not verified</option>
              </select>
            </label>
            {list?.passwordNote ? <p className="muted small">{list.passwordNote}</p> : null}
          </div>
        ) : (
          <div className="connection-fields">
            <label>
              File{' '}
              <input
                className="wide"
                value={path}
                onChange={(e) => setPath(e.target.value)}
                placeholder="/home/ops/site.db"
                aria-label="SQLite file"
              />
            </label>
          </div>
        )}
        <div className="row">
          <button type="button" disabled={busy} onClick={() => void run('test', typed())}>
            Test
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Connect
          </button>
          {busy ? <span className="muted">working…</span> : null}
        </div>
      </form>
      {result ? (
        <p
          className={result.ok ? 'ok-text' : 'error-text'}
          role={result.ok ? 'status' : 'alert'}
          data-testid="connections-result"
        >
          {result.text}
        </p>
      ) : null}

      <h3>Take offline</h3>
      <TakeOffline
        api={api}
        chains={props.selected}
        onOpen={(out) => void run('connect', { kind: 'sqlite', path: out })}
      />
    </dialog>
  );
}
