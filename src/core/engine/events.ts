/**
 * What a launch reports while it runs. Hosts forward these as they are (IPC,
 * WebSocket, terminal); progress is coalesced by the engine to a few events
 * per second per chain.
 */
import type { AlarmEvent } from '../domain/alarms.ts';
import type { ChainKey } from '../domain/chain.ts';
import type { RunCounts, RunMode } from '../domain/runs.ts';

/** `retrying`: waiting after a transient failure (the database restarting, a lost connection) before trying again. */
export type ChainPhase =
  | 'queued'
  | 'configuring'
  | 'reference'
  | 'elaborating'
  | 'waiting'
  | 'retrying'
  | 'finishing';

export type ChainStatus = 'succeeded' | 'failed' | 'cancelled';

export interface LaunchRequest {
  /** explicit chains, or every chain whose `active` is not 0 */
  chains: ChainKey[] | 'all-active';
  mode: RunMode;
  /** epoch seconds, inclusive; required for mode `range` */
  from?: number;
  to?: number;
  /** chains elaborated at once (default: the engine's) */
  concurrency?: number;
}

export interface ChainResult extends ChainKey, RunCounts {
  runId: number | null;
  status: ChainStatus;
  durationMs: number;
  /** epoch seconds of the first and last timestamp written, or null */
  spanFrom: number | null;
  spanTo: number | null;
  phase: ChainPhase | null;
  errorCode: string | null;
  message: string | null;
  /** warnings for the operator (e.g. ignored raw rows of unknown nodes) */
  warnings: string[];
}

export interface ChainProgressEvent extends ChainKey {
  type: 'chain-progress';
  launchId: string;
  phase: ChainPhase;
  timestampsDone: number;
  timestampsTotal: number;
  rowsRead: number;
  rowsWritten: number;
  /** in phase `waiting`: what the chain's write waits for (a lock held by another connection or program) */
  waitingFor: string | null;
  /** timestamps per second over the run so far */
  rate: number;
  etaSeconds: number | null;
}

export interface ChainFinishedEvent {
  type: 'chain-finished';
  launchId: string;
  result: ChainResult;
}

export interface LaunchStartedEvent {
  type: 'launch-started';
  launchId: string;
  chains: ChainKey[];
  mode: RunMode;
}

export interface LaunchFinishedEvent {
  type: 'launch-finished';
  launchId: string;
  results: ChainResult[];
  durationMs: number;
}

/**
 * The alarm seam: after each committed batch, the events whose key did not
 * exist before (writeChunk's `newEvents`). The store returns a key as new
 * only once, across runs and processes, so an event is never raised twice.
 */
export interface AlarmsRaisedEvent extends ChainKey {
  type: 'alarms-raised';
  launchId: string;
  runId: number;
  events: AlarmEvent[];
}

export type EngineEvent =
  | LaunchStartedEvent
  | ChainProgressEvent
  | ChainFinishedEvent
  | LaunchFinishedEvent
  | AlarmsRaisedEvent;
