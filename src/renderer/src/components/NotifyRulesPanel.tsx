/**
 * Who is told of alarm events and stale data: the notification rules of the
 * database (shared by every workstation and the service), listed, added,
 * tested and removed. Folded by default; the summary shows how many rules
 * there are and whether this host can send e-mail.
 */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi, MethodInput } from '../../../contract/methods.ts';
import { useCanWrite } from '../access.ts';
import { errorMessage } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { i18n } from '../i18n/index.ts';
import { ReadOnlyNote } from './ReadOnlyNote.tsx';

/** '' = every metric; `stale` = the start and end of a stale-data episode */
const METRICS = ['', 'cumulative_mm', 'velocity_mm_per_day', 'tilt_deg', 'stale'] as const;

const metricLabel = (m: string | null): string =>
  (METRICS as readonly string[]).includes(m ?? '')
    ? i18n.t(`rules.metrics.${m === null || m === '' ? 'all' : (m as Exclude<(typeof METRICS)[number], ''>)}`)
    : (m ?? '');

export function NotifyRulesPanel(props: { api: CatenaApi }) {
  const { t } = useTranslation();
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
      if (trimmed !== '' && !m) throw new Error(t('rules.notAChain', { text: trimmed }));
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
      return t('rules.added', { id: rule.id });
    });
  };

  const saveSmtp = (e: FormEvent, url: string | null) => {
    e.preventDefault();
    void run(async () => {
      const view = await api.setNotifySmtp({ url, from: smtpFrom.trim() === '' ? null : smtpFrom.trim() });
      setSmtpUrl('');
      smtp.reload();
      setup.reload();
      return view.url === null ? t('rules.emailOff') : t('rules.emailVia', { url: view.url });
    });
  };

  return (
    <details className="rules" data-testid="notify-rules">
      <summary>
        {t('rules.title', { count: rules.length })}
        {!canEmail ? <span className="muted small"> · {t('rules.noEmail')}</span> : null}
      </summary>
      {smtp.data?.source === 'environment' ? (
        <p className="muted small" data-testid="smtp-server">
          {t('rules.emailEnv', { url: smtp.data.url })}
        </p>
      ) : (
        <form
          className="rule-form smtp-form"
          hidden={!canWrite}
          onSubmit={(e) => saveSmtp(e, smtpUrl.trim())}
        >
          <span className="muted small" data-testid="smtp-server">
            {smtp.data?.url ? t('rules.emailThrough', { url: smtp.data.url }) : t('rules.noSmtp')}
          </span>
          <input
            aria-label={t('rules.smtpServer')}
            value={smtpUrl}
            required
            placeholder="smtp://user:password@mail.example.org:587"
            onChange={(e) => setSmtpUrl(e.target.value)}
          />
          <input
            aria-label={t('rules.sender')}
            value={smtpFrom}
            placeholder="Catena <catena@example.org>"
            onChange={(e) => setSmtpFrom(e.target.value)}
          />
          <button type="submit" disabled={busy}>
            {t('rules.saveSmtp')}
          </button>
          {smtp.data?.source === 'setting' ? (
            <button type="button" className="danger" disabled={busy} onClick={(e) => saveSmtp(e, null)}>
              {t('rules.remove')}
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
                {t('rules.levelAtLeast', { level: r.minLevel })} ·{' '}
                {r.controlUnitCode === null ? t('rules.allChains') : `${r.controlUnitCode}-${r.chain ?? '*'}`}{' '}
                · {metricLabel(r.metric)}
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
                    return t('rules.testSent', { target: r.target });
                  })
                }
              >
                {t('rules.test')}
              </button>
              <button
                type="button"
                className="small-btn danger"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    const { removed } = await api.removeNotifyRule({ id: r.id });
                    setup.reload();
                    return removed
                      ? t('rules.removed', { id: r.id })
                      : t('rules.alreadyRemoved', { id: r.id });
                  })
                }
              >
                {t('rules.remove')}
              </button>
            </span>
          </li>
        ))}
        {!setup.loading && rules.length === 0 ? <li className="muted">{t('rules.none')}</li> : null}
      </ul>
      {canWrite ? null : <ReadOnlyNote />}
      <form className="rule-form" hidden={!canWrite} onSubmit={add}>
        <select
          aria-label={t('rules.channel')}
          value={channel}
          onChange={(e) => setChannel(e.target.value as 'email' | 'webhook')}
        >
          <option value="email">{t('rules.email')}</option>
          <option value="webhook">webhook</option>
        </select>
        <input
          aria-label={t('rules.target')}
          id={`${id}-target`}
          value={target}
          required
          placeholder={channel === 'email' ? 'ops@example.org' : 'https://hooks.example/catena'}
          onChange={(e) => setTarget(e.target.value)}
        />
        <input
          aria-label={t('rules.chain')}
          value={chain}
          placeholder={t('rules.chainPlaceholder')}
          onChange={(e) => setChain(e.target.value)}
        />
        <select
          aria-label={t('rules.minLevel')}
          value={minLevel}
          onChange={(e) => setMinLevel(Number(e.target.value))}
        >
          {[1, 2, 3].map((l) => (
            <option key={l} value={l}>
              {t('rules.levelAtLeast', { level: l })}
            </option>
          ))}
        </select>
        <select aria-label={t('rules.metric')} value={metric} onChange={(e) => setMetric(e.target.value)}>
          {METRICS.map((m) => (
            <option key={m} value={m}>
              {metricLabel(m)}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={busy}>
          {t('rules.add')}
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
