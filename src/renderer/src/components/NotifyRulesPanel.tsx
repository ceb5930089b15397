/**
 * Who is told of alarm events and stale data: the notification rules of the
 * database (shared by every workstation and the service), listed, added,
 * tested and removed. Folded by default; the summary shows how many rules
 * there are and whether this host can send e-mail.
 */
import { type FormEvent, useId, useState } from 'react';
import type { CatenaApi, MethodInput } from '../../../contract/methods.ts';
import { useCanWrite } from '../access.ts';
import { errorMessage } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { ReadOnlyNote } from './ReadOnlyNote.tsx';

const METRICS: { value: string; label: string }[] = [
  { value: '', label: 'all metrics' },
  { value: 'cumulative_mm', label: 'cumulative' },
  { value: 'velocity_mm_per_day', label: 'velocity' },
  { value: 'tilt_deg', label: 'tilt' },
  { value: 'stale', label: 'no new data' },
];

const metricLabel = (m: string | null) => METRICS.find((x) => x.value === (m ?? ''))?.label ?? m ?? '';

export function NotifyRulesPanel(props: { api: CatenaApi }) {
  const { api } = props;
  const canWrite = useCanWrite();
  const setup = useLoad(() => api.notifyRules(), [api]);
  const smtp = useLoad(() => api.notifySmtp(), [api]);
  const [smtpUrl, setSmtpUrl] = useState('');
  const [smtpFrom, setSmtpFrom] = useState('');
  const [channel, setChannel] = useState<'email' | 'webhook'>('email');
  const [target, setTarget] = useState('');
  const [chain, setChain] = useState('');
  const [minLevel, setMinLevel] = useState(1);
  const [metric, setMetric] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const id = useId();

  const rules = setup.data?.rules ?? [];
  const canEmail = setup.data?.channels.includes('email') ?? true;

  const run = async (what: () => Promise<string>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ text: await what(), error: false });
    } catch (error) {
      setMessage({ text: errorMessage(error), error: true });
    } finally {
      setBusy(false);
    }
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const trimmed = chain.trim();
      const m = /^([^:\s-]+)[:-]([^:\s-]+)$/.exec(trimmed);
      if (trimmed !== '' && !m)
        throw new Error(`"${trimmed}" is not a chain; write it as CU001:A, or leave it empty`);
      const rule = await api.addNotifyRule({
        controlUnitCode: m ? m[1]! : null,
        chain: m ? m[2]! : null,
        minLevel,
        metric: metric === '' ? null : (metric as NonNullable<MethodInput<'addNotifyRule'>['metric']>),
        channel,
        target: target.trim(),
      });
      setTarget('');
      setup.reload();
      return `Added rule ${rule.id}.`;
    });
  };

  const saveSmtp = (e: FormEvent, url: string | null) => {
    e.preventDefault();
    void run(async () => {
      const view = await api.setNotifySmtp({ url, from: smtpFrom.trim() === '' ? null : smtpFrom.trim() });
      setSmtpUrl('');
      smtp.reload();
      setup.reload();
      return view.url === null ? 'E-mail is off on this host.' : `E-mail goes through ${view.url}.`;
    });
  };

  return (
    <details className="rules" data-testid="notify-rules">
      <summary>
        Notification rules ({rules.length})
        {!canEmail ? <span className="muted small"> · no e-mail on this host</span> : null}
      </summary>
      {smtp.data?.source === 'environment' ? (
        <p className="muted small" data-testid="smtp-server">
          E-mail through {smtp.data.url} (CATENA_SMTP_URL on this host).
        </p>
      ) : (
        <form
          className="rule-form smtp-form"
          hidden={!canWrite}
          onSubmit={(e) => saveSmtp(e, smtpUrl.trim())}
        >
          <span className="muted small" data-testid="smtp-server">
            {smtp.data?.url
              ? `E-mail through ${smtp.data.url}.`
              : 'No SMTP server on this host: e-mail rules are sent by a host that has one.'}
          </span>
          <input
            aria-label="SMTP server"
            value={smtpUrl}
            required
            placeholder="smtp://user:password@mail.example.org:587"
            onChange={(e) => setSmtpUrl(e.target.value)}
          />
          <input
            aria-label="Sender"
            value={smtpFrom}
            placeholder="Catena <catena@example.org>"
            onChange={(e) => setSmtpFrom(e.target.value)}
          />
          <button type="submit" disabled={busy}>
            Save SMTP server
          </button>
          {smtp.data?.source === 'setting' ? (
            <button type="button" className="danger" disabled={busy} onClick={(e) => saveSmtp(e, null)}>
              Remove
            </button>
          ) : null}
        </form>
      )}
      {setup.error ? (
        <p className="error-text" role="alert">
          {setup.error}
        </p>
      ) : null}
      <ul className="rule-list" data-testid="rule-list">
        {rules.map((r) => (
          <li key={r.id} data-rule={r.id}>
            <span className="rule-text">
              <span className="mono">{r.channel}</span> {r.target}{' '}
              <span className="muted">
                level ≥ {r.minLevel} ·{' '}
                {r.controlUnitCode === null ? 'all chains' : `${r.controlUnitCode}-${r.chain ?? '*'}`} ·{' '}
                {metricLabel(r.metric)}
              </span>
            </span>
            <span className="rule-actions" hidden={!canWrite}>
              <button
                type="button"
                className="small-btn"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await api.testNotifyRule({ id: r.id });
                    return `Test message sent to ${r.target}.`;
                  })
                }
              >
                Test
              </button>
              <button
                type="button"
                className="small-btn danger"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    const { removed } = await api.removeNotifyRule({ id: r.id });
                    setup.reload();
                    return removed ? `Removed rule ${r.id}.` : `Rule ${r.id} was already removed.`;
                  })
                }
              >
                Remove
              </button>
            </span>
          </li>
        ))}
        {!setup.loading && rules.length === 0 ? (
          <li className="muted">No rules: nobody is told of alarms.</li>
        ) : null}
      </ul>
      {canWrite ? null : <ReadOnlyNote />}
      <form className="rule-form" hidden={!canWrite} onSubmit={add}>
        <select
          aria-label="Channel"
          value={channel}
          onChange={(e) => setChannel(e.target.value as 'email' | 'webhook')}
        >
          <option value="email">e-mail</option>
          <option value="webhook">webhook</option>
        </select>
        <input
          aria-label="Target"
          id={`${id}-target`}
          value={target}
          required
          placeholder={channel === 'email' ? 'ops@example.org' : 'https://hooks.example/catena'}
          onChange={(e) => setTarget(e.target.value)}
        />
        <input
          aria-label="Chain"
          value={chain}
          placeholder="all chains (or CU001:A)"
          onChange={(e) => setChain(e.target.value)}
        />
        <select
          aria-label="Minimum level"
          value={minLevel}
          onChange={(e) => setMinLevel(Number(e.target.value))}
        >
          {[1, 2, 3].map((l) => (
            <option key={l} value={l}>
              level ≥ {l}
            </option>
          ))}
        </select>
        <select aria-label="Metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
          {METRICS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={busy}>
          Add rule
        </button>
      </form>
      {message ? (
        <p className={message.error ? 'error-text' : 'muted small'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      ) : null}
    </details>
  );
}
