import { memo, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey, ChainSummary, RunMode } from '../../../contract/types.ts';
import { chainLabel } from '../../../contract/types.ts';
import { errorMessage, fmtInt, parseUtcInput, toUtcInput } from '../format.ts';

const MODES: readonly RunMode[] = ['incremental', 'range', 'full'];

export const LaunchPanel = memo(function LaunchPanel(props: {
  api: CatenaApi;
  selected: ChainSummary[];
  onLaunched(
    launchId: string,
    chains: ChainKey[],
    mode: RunMode,
    span: { from: number | null; to: number | null } | null,
  ): void;
}) {
  const { t } = useTranslation();
  const { api, selected } = props;
  const [mode, setMode] = useState<RunMode>('incremental');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [concurrency, setConcurrency] = useState(4);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<ChainSummary[] | null>(null);

  const chooseMode = (next: RunMode) => {
    setMode(next);
    // a range starts as the last week of the selected chains' raw data
    if (next === 'range' && from === '' && to === '') {
      const last = Math.max(...selected.map((c) => c.lastRawAt ?? 0));
      if (last > 0) {
        setFrom(toUtcInput(last - 7 * 86400));
        setTo(toUtcInput(last));
      }
    }
  };

  const launch = async (confirmed = false) => {
    setError(null);
    // a full run replaces every elaborated row of the chains: the operator says so first
    if (mode === 'full' && !confirmed) {
      setConfirming(selected);
      return;
    }
    let range: { from?: number; to?: number } = {};
    if (mode === 'range') {
      const f = parseUtcInput(from);
      const end = parseUtcInput(to);
      if (f === null || end === null) {
        setError(t('launch.rangeNeedsBoth'));
        return;
      }
      if (f > end) {
        setError(t('launch.toBeforeFrom'));
        return;
      }
      range = { from: f, to: end };
    }
    setBusy(true);
    try {
      const started = await api.launch({
        chains: selected.map((k) => ({ controlUnitCode: k.controlUnitCode, chain: k.chain })),
        mode,
        concurrency,
        ...range,
      });
      props.onLaunched(
        started.launchId,
        started.chains,
        mode,
        mode === 'range' ? { from: range.from ?? null, to: range.to ?? null } : null,
      );
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  const hint = t(`launch.hints.${mode}`);
  const names = selected.map((k) => chainLabel(k));

  return (
    <>
      <div className="panel-head">
        <h2>{t('launch.title')}</h2>
      </div>
      <div className="form">
        <div className="segmented" role="radiogroup" aria-label={t('launch.mode')}>
          {MODES.map((m) => (
            <label key={m} className={mode === m ? 'on' : ''}>
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => chooseMode(m)} />
              {t(`launch.modes.${m}`)}
            </label>
          ))}
        </div>
        <p className="muted small">{hint}</p>
        {mode === 'range' ? (
          <div className="row">
            <label>
              {t('launch.from')}{' '}
              <input
                type="datetime-local"
                value={from}
                onChange={(e) => setFrom(e.target.value)}
                aria-label={t('launch.fromUtc')}
              />
            </label>
            <label>
              {t('launch.to')}{' '}
              <input
                type="datetime-local"
                value={to}
                onChange={(e) => setTo(e.target.value)}
                aria-label={t('launch.toUtc')}
              />
            </label>
          </div>
        ) : null}
        <div className="row">
          <label>
            {t('launch.concurrency')}{' '}
            <input
              type="number"
              min={1}
              max={16}
              value={concurrency}
              onChange={(e) => setConcurrency(Math.max(1, Math.min(16, Number(e.target.value) || 1)))}
              className="narrow"
              aria-label={t('launch.concurrency')}
            />
          </label>
          <span className="grow" />
          <button
            type="button"
            className="primary"
            disabled={busy || selected.length === 0}
            onClick={() => void launch()}
            title={names.join(', ')}
          >
            {busy ? t('launch.starting') : t('launch.elaborate', { count: selected.length })}
          </button>
        </div>
        {selected.length === 0 ? <p className="muted small">{t('launch.tick')}</p> : null}
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      {confirming ? (
        <ConfirmFull
          api={api}
          chains={confirming}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            void launch(true);
          }}
        />
      ) : null}
    </>
  );
});

/**
 * Asks before a full re-elaboration, saying what it replaces: the elaborated
 * rows of each chain (counted by the database through `quality`) and their
 * alarm events. The safe answer has the focus.
 */
function ConfirmFull(props: { api: CatenaApi; chains: ChainSummary[]; onCancel(): void; onConfirm(): void }) {
  const { t } = useTranslation();
  const { api, chains } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const [rows, setRows] = useState<Map<string, number> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  useEffect(() => {
    let live = true;
    Promise.all(
      chains.map(async (c) => {
        if (c.lastElaboratedAt === null) return [chainLabel(c), 0] as const;
        const perNode = await api.quality({ key: { controlUnitCode: c.controlUnitCode, chain: c.chain } });
        return [chainLabel(c), perNode.reduce((acc, q) => acc + q.rows, 0)] as const;
      }),
    ).then(
      (counts) => live && setRows(new Map(counts)),
      (reason: unknown) => live && setError(errorMessage(reason)),
    );
    return () => {
      live = false;
    };
  }, [api, chains]);

  const total = rows ? [...rows.values()].reduce((a, b) => a + b, 0) : null;
  const n = chains.length;
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby="confirm-full-title"
      data-testid="confirm-full"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="confirm-full-title">{t('launch.confirm.title', { count: n })}</h2>
      <p data-testid="confirm-full-rows">
        {total === null
          ? error
            ? t('launch.confirm.countFailed', { error })
            : t('launch.confirm.counting')
          : total === 0
            ? t('launch.confirm.noRows')
            : t('launch.confirm.replaces', { rows: fmtInt(total) })}
      </p>
      <ul className="confirm-list small">
        {chains.map((c) => (
          <li key={chainLabel(c)}>
            <span className="mono">{chainLabel(c)}</span>{' '}
            <span className="muted">
              {rows ? t('launch.confirm.rows', { rows: fmtInt(rows.get(chainLabel(c)) ?? 0) }) : '…'}
              {c.siteName ? ` · ${c.siteName}` : ''}
            </span>
          </li>
        ))}
      </ul>
      <p className="muted small">{t('launch.confirm.incrementalNote')}</p>
      <div className="row confirm-actions">
        <span className="grow" />
        {/* biome-ignore lint/a11y/noAutofocus: the safe answer has the focus in a confirmation */}
        <button type="button" onClick={props.onCancel} autoFocus>
          {t('launch.confirm.keep')}
        </button>
        <button
          type="button"
          className="primary danger"
          onClick={props.onConfirm}
          disabled={total === null && !error}
        >
          {total ? t('launch.confirm.replace', { rows: fmtInt(total) }) : t('launch.confirm.elaborate')}
        </button>
      </div>
    </dialog>
  );
}
