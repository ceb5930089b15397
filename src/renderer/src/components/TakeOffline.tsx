import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi, MethodOutput } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { chainLabel } from '../../../contract/types.ts';
import { errorMessage } from '../format.ts';

type Job = NonNullable<MethodOutput<'snapshotStatus'>>;

const POLL_MS = 400;

/** The default file name: the day's date, in the data folder's `snapshots`. */
function defaultName(): string {
  return `snapshot-${new Date().toISOString().slice(0, 10)}.db`;
}

/**
 * "Take offline…": the current database's chosen chains (the ticked ones,
 * or all) copied into an SQLite file for review with no server, with
 * progress and cancel; then opened, read-only, if the operator wants.
 */
export function TakeOffline(props: { api: CatenaApi; chains: ChainKey[]; onOpen(out: string): void }) {
  const { t } = useTranslation();
  const { api } = props;
  const [out, setOut] = useState(defaultName);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const poll = () => {
    api.snapshotStatus().then(
      (status) => {
        setJob(status);
        if (status?.state === 'running') timer.current = setTimeout(poll, POLL_MS);
      },
      (reason: unknown) => setError(errorMessage(reason)),
    );
  };

  // a snapshot this host is taking already (another window, a reload)
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the dialog opens
  useEffect(() => {
    poll();
    return () => clearTimeout(timer.current);
  }, []);

  const start = async () => {
    setError(null);
    try {
      setJob(
        await api.takeSnapshot({
          out: out.trim(),
          ...(props.chains.length > 0
            ? { chains: props.chains.map((k) => ({ controlUnitCode: k.controlUnitCode, chain: k.chain })) }
            : {}),
        }),
      );
      timer.current = setTimeout(poll, POLL_MS);
    } catch (reason) {
      setError(errorMessage(reason));
    }
  };

  const running = job?.state === 'running';
  const p = job?.progress;
  const percent = p?.fraction === null || p?.fraction === undefined ? null : Math.round(p.fraction * 100);
  return (
    <div className="take-offline" data-testid="take-offline">
      <p className="muted small">
        {props.chains.length > 0
          ? t('offlineCopy.ticked', { chains: props.chains.map(chainLabel).join(', ') })
          : t('offlineCopy.every')}
        {t('offlineCopy.what')}
      </p>
      <div className="row">
        <label className="grow-label">
          {t('connections.file')}{' '}
          <input
            value={out}
            onChange={(e) => setOut(e.target.value)}
            aria-label={t('offlineCopy.file')}
            disabled={running}
          />
        </label>
        {running ? (
          <button type="button" onClick={() => void api.cancelSnapshot()}>
            {t('common.cancel')}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void start()} disabled={out.trim() === ''}>
            {t('connections.takeOffline')}
          </button>
        )}
      </div>
      {running ? (
        <div className="row" role="status" data-testid="take-offline-progress">
          <progress max={100} value={percent ?? undefined} aria-label={t('offlineCopy.progress')} />
          <span className="muted small">
            {p
              ? t('offlineCopy.step', {
                  chain: p.chain,
                  n: p.chainNumber,
                  of: p.chains,
                  step: p.step,
                  rows: p.rows,
                })
              : t('offlineCopy.starting')}
          </span>
        </div>
      ) : null}
      {job && !running ? (
        <div className="row">
          <p
            className={job.state === 'succeeded' ? 'ok-text' : 'error-text'}
            role={job.state === 'succeeded' ? 'status' : 'alert'}
            data-testid="take-offline-result"
          >
            {job.message}
          </p>
          {job.state === 'succeeded' ? (
            <button type="button" onClick={() => props.onOpen(job.out)}>
              {t('offlineCopy.open')}
            </button>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
