/** Output types the interface works with, re-exported so the renderer imports only the contract. */

export type { AlarmEvent, Metric } from '../core/domain/alarms.ts';
export type { ChainKey } from '../core/domain/chain.ts';
// The runtime-free domain (src/core/domain) is shared with the interface as it is.
export { chainLabel } from '../core/domain/chain.ts';
export {
  FLAG_GRAVITY,
  FLAG_HELD,
  FLAG_INVALID,
  FLAG_NO_REFERENCE,
  FLAG_SPIKE_X,
  FLAG_SPIKE_Y,
} from '../core/domain/flags.ts';
export type { RunCounts, RunMode } from '../core/domain/runs.ts';
export type { ChainPhase, ChainResult, ChainStatus, LaunchRequest } from '../core/engine/events.ts';
export type {
  ChainNode,
  ChainNodes,
  ChainOverview,
  ServiceInfo,
  SnapshotOrigin,
} from '../core/service/types.ts';
export type {
  ChainSummary,
  NodeFlagCounts,
  RunRecord,
  RunStatus,
  StoredAlarmEvent,
  StoreInfo,
} from '../core/store/port.ts';
