/**
 * What the interface knows of launches, folded from the engine's events (and
 * from the answer to `launch`, whichever arrives first). Events of a launch
 * that this page did not see start (another window, a reconnect) create it.
 */
import type { EngineEvent } from '../../../contract/events.ts';
import type { ChainKey, ChainPhase, ChainResult, RunMode } from '../../../contract/types.ts';
import { chainLabel } from '../../../contract/types.ts';

/** 'no-data': succeeded without a row to write (nothing new in the span), shown apart from a success */
export type ChainRunStatus = 'queued' | 'running' | 'succeeded' | 'no-data' | 'failed' | 'cancelled';

export interface ChainRunView extends ChainKey {
  label: string;
  phase: ChainPhase | null;
  /** in phase `waiting`: what the write waits for */
  waitingFor: string | null;
  done: number;
  total: number;
  rowsRead: number;
  rowsWritten: number;
  rate: number;
  etaSeconds: number | null;
  status: ChainRunStatus;
  result: ChainResult | null;
  cancelRequested: boolean;
}

export interface LaunchView {
  launchId: string;
  mode: RunMode | null;
  /** a range's span (epoch seconds), when known */
  span: { from: number | null; to: number | null } | null;
  startedAtMs: number;
  chains: ChainRunView[];
  finished: boolean;
  durationMs: number | null;
  cancelRequested: boolean;
}

export type LaunchAction =
  | { type: 'event'; event: EngineEvent; now: number }
  /** events coalesced over one animation frame, oldest first */
  | { type: 'events'; events: EngineEvent[]; now: number }
  | {
      type: 'launched';
      launchId: string;
      chains: ChainKey[];
      mode: RunMode;
      span: { from: number | null; to: number | null } | null;
      now: number;
    }
  | { type: 'cancel-requested'; launchId: string; chain?: ChainKey }
  /**
   * What the runs table knows of a launch this page did not start (a reload,
   * another window): its mode, span and chains, from `listRuns`.
   */
  | {
      type: 'restored';
      launchId: string;
      mode: RunMode;
      span: { from: number | null; to: number | null } | null;
      chains: ChainKey[];
      /** the runs of the launch that have ended, as their results */
      ended: ChainResult[];
      startedAtMs: number;
    }
  | { type: 'clear-finished' };

function newChain(key: ChainKey): ChainRunView {
  return {
    controlUnitCode: key.controlUnitCode,
    chain: key.chain,
    label: chainLabel(key),
    phase: null,
    waitingFor: null,
    done: 0,
    total: 0,
    rowsRead: 0,
    rowsWritten: 0,
    rate: 0,
    etaSeconds: null,
    status: 'queued',
    result: null,
    cancelRequested: false,
  };
}

function newLaunch(launchId: string, now: number): LaunchView {
  return {
    launchId,
    mode: null,
    span: null,
    startedAtMs: now,
    chains: [],
    finished: false,
    durationMs: null,
    cancelRequested: false,
  };
}

function withChains(launch: LaunchView, keys: ChainKey[]): LaunchView {
  const known = new Set(launch.chains.map((c) => c.label));
  const added = keys.filter((k) => !known.has(chainLabel(k))).map(newChain);
  return added.length === 0 ? launch : { ...launch, chains: [...launch.chains, ...added] };
}

function updateChain(
  launch: LaunchView,
  key: ChainKey,
  update: (chain: ChainRunView) => ChainRunView,
): LaunchView {
  const withKey = withChains(launch, [key]);
  const label = chainLabel(key);
  return { ...withKey, chains: withKey.chains.map((c) => (c.label === label ? update(c) : c)) };
}

/** The result's counts are final, whatever the ending: progress events may lag behind them. */
function applyResult(chain: ChainRunView, result: ChainResult): ChainRunView {
  const succeeded = result.status === 'succeeded';
  return {
    ...chain,
    status: succeeded && result.rowsWritten === 0 ? 'no-data' : result.status,
    phase: result.phase ?? chain.phase,
    rowsRead: result.rowsRead,
    rowsWritten: result.rowsWritten,
    done: result.timestamps,
    total: succeeded ? result.timestamps : Math.max(chain.total, result.timestamps),
    etaSeconds: null,
    result,
  };
}

function reduceEvent(launch: LaunchView, event: EngineEvent): LaunchView {
  switch (event.type) {
    case 'launch-started':
      return { ...withChains(launch, event.chains), mode: event.mode };
    case 'chain-progress':
      return updateChain(launch, event, (c) =>
        c.result
          ? c
          : {
              ...c,
              phase: event.phase,
              waitingFor: event.waitingFor,
              done: event.timestampsDone,
              total: event.timestampsTotal,
              rowsRead: event.rowsRead,
              rowsWritten: event.rowsWritten,
              rate: event.rate,
              etaSeconds: event.etaSeconds,
              status: event.phase === 'queued' ? 'queued' : 'running',
            },
      );
    case 'chain-finished':
      return updateChain(launch, event.result, (c) => applyResult(c, event.result));
    case 'launch-finished': {
      let next = launch;
      for (const result of event.results) next = updateChain(next, result, (c) => applyResult(c, result));
      return { ...next, finished: true, durationMs: event.durationMs };
    }
    case 'alarms-raised':
      return launch;
  }
}

/** Newest launch first. */
export function launchesReducer(launches: LaunchView[], action: LaunchAction): LaunchView[] {
  switch (action.type) {
    case 'clear-finished':
      return launches.filter((l) => !l.finished);
    case 'cancel-requested':
      return launches.map((l) => {
        if (l.launchId !== action.launchId) return l;
        if (!action.chain) return { ...l, cancelRequested: true };
        const label = chainLabel(action.chain);
        return {
          ...l,
          chains: l.chains.map((c) => (c.label === label ? { ...c, cancelRequested: true } : c)),
        };
      });
    case 'restored': {
      const index = launches.findIndex((l) => l.launchId === action.launchId);
      const current = index >= 0 ? launches[index]! : newLaunch(action.launchId, action.startedAtMs);
      let restored = withChains(current, action.chains);
      for (const result of action.ended) {
        restored = updateChain(restored, result, (c) => (c.result ? c : applyResult(c, result)));
      }
      const next = {
        ...restored,
        mode: current.mode ?? action.mode,
        span: current.span ?? action.span,
        startedAtMs: Math.min(current.startedAtMs, action.startedAtMs),
      };
      if (index >= 0) return launches.map((l, i) => (i === index ? next : l));
      return [next, ...launches];
    }
    case 'events':
      return action.events.reduce(
        (acc, event) => launchesReducer(acc, { type: 'event', event, now: action.now }),
        launches,
      );
    case 'launched':
    case 'event': {
      const launchId = action.type === 'launched' ? action.launchId : action.event.launchId;
      const index = launches.findIndex((l) => l.launchId === launchId);
      const current = index >= 0 ? launches[index]! : newLaunch(launchId, action.now);
      const next =
        action.type === 'launched'
          ? {
              ...withChains(current, action.chains),
              mode: current.mode ?? action.mode,
              span: current.span ?? action.span,
            }
          : reduceEvent(current, action.event);
      if (index >= 0) return launches.map((l, i) => (i === index ? next : l));
      return [next, ...launches];
    }
  }
}
