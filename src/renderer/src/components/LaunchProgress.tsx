import { type Dispatch, memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { useCanWrite } from '../access.ts';
import { errorCodeText, fmtDuration, fmtInt, fmtTime } from '../format.ts';
import type { ChainRunView, LaunchAction, LaunchView } from '../state/launches.ts';
import { StatusBadge } from './StatusBadge.tsx';

function ChainRow(props: {
  launch: LaunchView;
  chain: ChainRunView;
  onCancel(): void;
  onFocus(keyboard: boolean): void;
}) {
  const { t } = useTranslation();
  const { chain, launch } = props;
  const canWrite = useCanWrite();
  const finished = chain.result !== null;
  const pct =
    chain.total > 0
      ? Math.min(100, (chain.done / chain.total) * 100)
      : chain.status === 'succeeded' || chain.status === 'failed' || chain.status === 'no-data'
        ? 100
        : 0;
  const emptyRange = chain.status === 'no-data' && launch.mode === 'range' && chain.result?.timestamps === 0;
  const readPct = chain.rowsToRead > 0 ? Math.min(100, (chain.rowsRead / chain.rowsToRead) * 100) : 0;
  const reading = !finished && chain.phase === 'reading';
  return (
    <div
      className={`chain-run status-${chain.status}`}
      data-testid={`run-${chain.label}`}
      data-status={chain.status}
    >
      <div className="chain-run-head">
        <button
          type="button"
          className="link mono"
          // a click from the keyboard (Enter, Space) has no pointer: the focus follows to the results
          onClick={(e) => props.onFocus(e.detail === 0)}
          title={t('progress.showResults')}
        >
          {chain.label}
        </button>
        <StatusBadge status={chain.status === 'running' ? (chain.phase ?? 'running') : chain.status} />
        <span className="grow" />
        <span className="mono small">
          {fmtInt(chain.done)} / {fmtInt(chain.total)} {t('progress.ts')}
        </span>
        {!finished ? (
          <button
            type="button"
            className="small-btn"
            onClick={props.onCancel}
            hidden={!canWrite}
            disabled={chain.cancelRequested || launch.cancelRequested}
            aria-label={t('progress.cancelChain', { chain: chain.label })}
          >
            {chain.cancelRequested ? t('progress.cancelling') : t('common.cancel')}
          </button>
        ) : null}
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-label={t('progress.progressOf', { chain: chain.label })}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
      >
        <div className="fill" style={{ transform: `scaleX(${pct / 100})` }} />
      </div>
      {!finished && chain.rowsToRead > 0 ? (
        <div
          className="bar read-bar"
          role="progressbar"
          aria-label={t('progress.rawReadOf', { chain: chain.label })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(readPct)}
          data-testid={`read-${chain.label}`}
        >
          <div className="fill" style={{ transform: `scaleX(${readPct / 100})` }} />
        </div>
      ) : null}
      <div className="chain-run-foot small muted">
        {chain.status === 'no-data' ? (
          <span>
            {emptyRange ? t('progress.nothing') : t('progress.nothingAfter')} ·{' '}
            {fmtDuration((chain.result?.durationMs ?? 0) / 1000)}
          </span>
        ) : finished ? (
          <span>
            {t('progress.rowsWritten', { rows: fmtInt(chain.result?.rowsWritten) })} ·{' '}
            {fmtDuration((chain.result?.durationMs ?? 0) / 1000)}
            {chain.result && chain.result.eventsCreated > 0
              ? ` · ${t('progress.alarmEvents', { count: chain.result.eventsCreated })}`
              : ''}
          </span>
        ) : reading ? (
          <span data-testid={`reading-${chain.label}`}>
            {t('progress.readingRaw', { read: fmtInt(chain.rowsRead), total: fmtInt(chain.rowsToRead) })}
          </span>
        ) : (
          <span>
            {chain.rate > 0 ? t('progress.rate', { rate: fmtInt(chain.rate) }) : '—'} ·{' '}
            {t('progress.eta', { eta: fmtDuration(chain.etaSeconds) })} ·{' '}
            {chain.rowsToRead > 0
              ? t('progress.rowsReadOf', { read: fmtInt(chain.rowsRead), total: fmtInt(chain.rowsToRead) })
              : t('progress.rowsRead', { read: fmtInt(chain.rowsRead) })}
          </span>
        )}
      </div>
      {chain.status === 'running' && chain.waitingFor ? (
        <div className="warn-text small" role="status" data-testid={`waiting-${chain.label}`}>
          {chain.waitingFor}
        </div>
      ) : null}
      {emptyRange ? (
        <div className="warn-text small" role="status">
          {t('progress.emptyRange')}
        </div>
      ) : null}
      {chain.result?.message ? (
        <div
          className={chain.status === 'failed' ? 'error-text small' : 'muted small'}
          role={chain.status === 'failed' ? 'alert' : undefined}
        >
          {chain.result.errorCode && chain.status === 'failed' ? (
            <span className="mono">{errorCodeText(chain.result.errorCode)}: </span>
          ) : null}
          {chain.result.message}
        </div>
      ) : null}
      {chain.result?.warnings.map((w) => (
        <div key={w} className="warn-text small">
          {w}
        </div>
      ))}
    </div>
  );
}

export const LaunchProgress = memo(function LaunchProgress(props: {
  api: CatenaApi;
  launches: LaunchView[];
  dispatch: Dispatch<LaunchAction>;
  onFocus(key: ChainKey, keyboard: boolean): void;
}) {
  const { t } = useTranslation();
  const { api, launches, dispatch } = props;
  const canWrite = useCanWrite();
  const cancel = (launchId: string, chain?: ChainKey) => {
    dispatch({ type: 'cancel-requested', launchId, chain });
    api
      .cancel(
        chain
          ? { launchId, chain: { controlUnitCode: chain.controlUnitCode, chain: chain.chain } }
          : { launchId },
      )
      .catch((reason: unknown) => console.warn('cancel failed', reason));
  };
  return (
    <>
      <div className="panel-head">
        <h2>{t('progress.title')}</h2>
        <span className="grow" />
        <button
          type="button"
          onClick={() => dispatch({ type: 'clear-finished' })}
          disabled={!launches.some((l) => l.finished)}
        >
          {t('progress.clearFinished')}
        </button>
      </div>
      {launches.length === 0 ? <p className="muted">{t('progress.none')}</p> : null}
      <div className="launches">
        {launches.map((launch) => {
          const counts = { succeeded: 0, 'no-data': 0, failed: 0, cancelled: 0 };
          for (const c of launch.chains) if (c.status in counts) counts[c.status as keyof typeof counts]++;
          return (
            <div
              key={launch.launchId}
              className="launch"
              data-testid="launch"
              data-launch-id={launch.launchId}
              data-finished={launch.finished ? 'true' : 'false'}
            >
              <div className="launch-head">
                <span className="mono small" title={launch.launchId}>
                  {launch.mode ? t(`modes.${launch.mode}`) : t('progress.launch')}
                  {launch.span ? ` ${fmtTime(launch.span.from)} → ${fmtTime(launch.span.to)}` : ''} ·{' '}
                  {t('progress.chains', { count: launch.chains.length })}
                </span>
                <span className="grow" />
                {launch.finished ? (
                  <span className="small">
                    {t('progress.doneIn', { duration: fmtDuration((launch.durationMs ?? 0) / 1000) })} ·{' '}
                    {t('progress.ok', { count: counts.succeeded })}
                    {counts['no-data'] > 0
                      ? ` · ${t('progress.noNewData', { count: counts['no-data'] })}`
                      : ''}
                    {counts.failed > 0 ? (
                      <span className="error-text"> · {t('progress.failed', { count: counts.failed })}</span>
                    ) : null}
                    {counts.cancelled > 0 ? ` · ${t('progress.cancelled', { count: counts.cancelled })}` : ''}
                  </span>
                ) : (
                  <button
                    type="button"
                    className="small-btn"
                    onClick={() => cancel(launch.launchId)}
                    hidden={!canWrite}
                    disabled={launch.cancelRequested}
                  >
                    {launch.cancelRequested ? t('progress.cancelling') : t('progress.cancelLaunch')}
                  </button>
                )}
              </div>
              {launch.chains.map((chain) => (
                <ChainRow
                  key={chain.label}
                  launch={launch}
                  chain={chain}
                  onCancel={() => cancel(launch.launchId, chain)}
                  onFocus={(keyboard) => props.onFocus(chain, keyboard)}
                />
              ))}
            </div>
          );
        })}
      </div>
    </>
  );
});
