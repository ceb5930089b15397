import { type Dispatch, memo } from 'react';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { useCanWrite } from '../access.ts';
import { fmtDuration, fmtInt, fmtTime } from '../format.ts';
import type { ChainRunView, LaunchAction, LaunchView } from '../state/launches.ts';
import { StatusBadge } from './StatusBadge.tsx';

function ChainRow(props: {
  launch: LaunchView;
  chain: ChainRunView;
  onCancel(): void;
  onFocus(keyboard: boolean): void;
}) {
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
          title="Show results"
        >
          {chain.label}
        </button>
        <StatusBadge status={chain.status === 'running' ? (chain.phase ?? 'running') : chain.status} />
        <span className="grow" />
        <span className="mono small">
          {fmtInt(chain.done)} / {fmtInt(chain.total)} ts
        </span>
        {!finished ? (
          <button
            type="button"
            className="small-btn"
            onClick={props.onCancel}
            hidden={!canWrite}
            disabled={chain.cancelRequested || launch.cancelRequested}
            aria-label={`Cancel ${chain.label}`}
          >
            {chain.cancelRequested ? 'cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-label={`${chain.label} progress`}
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
          aria-label={`${chain.label} raw rows read`}
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
            nothing to elaborate{emptyRange ? '' : ': no raw data after the last elaborated timestamp'} ·{' '}
            {fmtDuration((chain.result?.durationMs ?? 0) / 1000)}
          </span>
        ) : finished ? (
          <span>
            {fmtInt(chain.result?.rowsWritten)} rows written ·{' '}
            {fmtDuration((chain.result?.durationMs ?? 0) / 1000)}
            {chain.result && chain.result.eventsCreated > 0
              ? ` · ${chain.result.eventsCreated} alarm events`
              : ''}
          </span>
        ) : reading ? (
          <span data-testid={`reading-${chain.label}`}>
            reading raw rows: {fmtInt(chain.rowsRead)} of ~{fmtInt(chain.rowsToRead)}
          </span>
        ) : (
          <span>
            {chain.rate > 0 ? `${fmtInt(chain.rate)} ts/s` : '—'} · ETA {fmtDuration(chain.etaSeconds)} ·{' '}
            {fmtInt(chain.rowsRead)}
            {chain.rowsToRead > 0 ? ` of ~${fmtInt(chain.rowsToRead)}` : ''} rows read
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
          0 timestamps in the span: no raw data there
        </div>
      ) : null}
      {chain.result?.message ? (
        <div
          className={chain.status === 'failed' ? 'error-text small' : 'muted small'}
          role={chain.status === 'failed' ? 'alert' : undefined}
        >
          {chain.result.errorCode && chain.status === 'failed' ? (
            <span className="mono">{chain.result.errorCode}: </span>
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
        <h2>Progress</h2>
        <span className="grow" />
        <button
          type="button"
          onClick={() => dispatch({ type: 'clear-finished' })}
          disabled={!launches.some((l) => l.finished)}
        >
          Clear finished
        </button>
      </div>
      {launches.length === 0 ? <p className="muted">No launch yet in this session.</p> : null}
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
                  {launch.mode ?? 'launch'}
                  {launch.span ? ` ${fmtTime(launch.span.from)} → ${fmtTime(launch.span.to)}` : ''} ·{' '}
                  {launch.chains.length} chain{launch.chains.length === 1 ? '' : 's'}
                </span>
                <span className="grow" />
                {launch.finished ? (
                  <span className="small">
                    done in {fmtDuration((launch.durationMs ?? 0) / 1000)} · {counts.succeeded} ok
                    {counts['no-data'] > 0 ? ` · ${counts['no-data']} no new data` : ''}
                    {counts.failed > 0 ? <span className="error-text"> · {counts.failed} failed</span> : null}
                    {counts.cancelled > 0 ? ` · ${counts.cancelled} cancelled` : ''}
                  </span>
                ) : (
                  <button
                    type="button"
                    className="small-btn"
                    onClick={() => cancel(launch.launchId)}
                    hidden={!canWrite}
                    disabled={launch.cancelRequested}
                  >
                    {launch.cancelRequested ? 'cancelling…' : 'Cancel launch'}
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
