import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi, MethodInput, MethodOutput } from '../../../contract/methods.ts';
import type { ChainKey, ServiceInfo } from '../../../contract/types.ts';
import { errorMessage, fmtTime, getDisplayZone } from '../format.ts';
import { i18n } from '../i18n/index.ts';
import { TakeOffline } from './TakeOffline.tsx';

type ConnectionList = MethodOutput<'listConnections'>;
type Target = MethodInput<'connect'>;
type Tls = 'off' | 'on' | 'skip-verify';

/** What a test or a connection found, in one line. */
function whatItIs(info: ServiceInfo): string {
  const version = info.kind === 'sqlite' ? info.serverVersion : `MySQL/MariaDB ${info.serverVersion}`;
  const what = info.snapshot
    ? i18n.t('connections.snapshotOf', {
        source: info.snapshot.source,
        at: fmtTime(info.snapshot.takenAt),
        zone: getDisplayZone(),
      })
    : i18n.t('connections.catenaDb');
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
  const { t } = useTranslation();
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
        setResult({
          ok: true,
          text: t('connections.testPassed', { what: whatItIs(await api.testConnection(target)) }),
        });
      } else {
        const info = await api.connect(target);
        setResult({ ok: true, text: t('connections.connected', { what: whatItIs(info) }) });
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
        <h2 id="connections-title">{t('connections.title')}</h2>
        <span className="grow" />
        <button type="button" onClick={() => dialog.current?.close()}>
          {t('common.close')}
        </button>
      </div>
      {props.info ? (
        <p className="muted small" data-testid="connections-current">
          {t('connections.connectedTo', { location: props.info.location })}
          {props.info.readOnly ? ` ${t('connections.readOnly')}` : ''}
        </p>
      ) : null}

      <h3>{t('connections.recent')}</h3>
      {listError ? (
        <p className="error-text" role="alert">
          {listError}
        </p>
      ) : list === null ? (
        <p className="muted">{t('common.loadingShort')}</p>
      ) : list.connections.length === 0 ? (
        <p className="muted">{t('connections.noRecent')}</p>
      ) : (
        <table className="grid-table connections-table" data-testid="connections-table">
          <tbody>
            {list.connections.map((c) => (
              <tr key={c.id} data-connection={c.label}>
                <td className="mono">{c.label}</td>
                <td className="muted small">
                  {c.kind === 'sqlite'
                    ? 'SQLite'
                    : c.hasPassword
                      ? t('connections.passwordStored')
                      : t('connections.noPasswordStored')}
                </td>
                <td className="actions">
                  <button type="button" disabled={busy} onClick={() => void run('test', { id: c.id })}>
                    {t('connections.test')}
                  </button>{' '}
                  <button
                    type="button"
                    className="primary"
                    disabled={busy || props.info?.location === c.label}
                    onClick={() => void run('connect', { id: c.id })}
                    aria-label={t('connections.connectTo', { label: c.label })}
                  >
                    {t('connections.connect')}
                  </button>{' '}
                  <button type="button" className="link" onClick={() => void forget(c.id)}>
                    {t('connections.forget')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t('connections.new')}</h3>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run('connect', typed());
        }}
      >
        <div className="segmented" role="radiogroup" aria-label={t('connections.kind')}>
          {(
            [
              ['mysql', t('connections.mysql')],
              ['sqlite', t('connections.sqlite')],
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
              {t('connections.host')}{' '}
              <input value={host} onChange={(e) => setHost(e.target.value)} placeholder="db.example" />
            </label>
            <label>
              {t('connections.port')}{' '}
              <input
                className="narrow"
                value={port}
                onChange={(e) => setPort(e.target.value)}
                inputMode="numeric"
              />
            </label>
            <label>
              {t('connections.user')}{' '}
              <input value={user} onChange={(e) => setUser(e.target.value)} autoComplete="username" />
            </label>
            <label>
              {t('connections.password')}{' '}
              <input
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete="current-password"
              />
            </label>
            <label>
              {t('connections.database')}{' '}
              <input value={database} onChange={(e) => setDatabase(e.target.value)} />
            </label>
            <label>
              TLS{' '}
              <select value={tls} onChange={(e) => setTls(e.target.value as Tls)}>
                <option value="off">{t('connections.tlsOff')}</option>
                <option value="on">{t('connections.tlsOn')}</option>
                <option value="skip-verify">{t('connections.tlsSkip')}</option>
              </select>
            </label>
            {list?.passwordNote ? <p className="muted small">{list.passwordNote}</p> : null}
          </div>
        ) : (
          <div className="connection-fields">
            <label>
              {t('connections.file')}{' '}
              <input
                className="wide"
                value={path}
                onChange={(e) => setPath(e.target.value)}
                placeholder="/home/ops/site.db"
                aria-label={t('connections.sqliteFile')}
              />
            </label>
          </div>
        )}
        <div className="row">
          <button type="button" disabled={busy} onClick={() => void run('test', typed())}>
            {t('connections.test')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('connections.connect')}
          </button>
          {busy ? <span className="muted">{t('connections.working')}</span> : null}
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

      <h3>{t('connections.takeOffline')}</h3>
      <TakeOffline
        api={api}
        chains={props.selected}
        onOpen={(out) => void run('connect', { kind: 'sqlite', path: out })}
      />
    </dialog>
  );
}
