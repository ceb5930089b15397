/** Output types the interface works with, re-exported so the renderer imports only the contract. */
export type { ChainPhase, ChainResult, ChainStatus, LaunchRequest } from '../core/engine/events.ts';
export type { ChainNode, ChainNodes } from '../core/service/types.ts';
export type {
  ChainKey,
  ChainSummary,
  NodeFlagCounts,
  RunCounts,
  RunMode,
  RunRecord,
  RunStatus,
  StoredAlarmEvent,
  StoreInfo,
} from '../core/store/port.ts';

/** Bits of `elaborated_rsn_data.flags` (ELABORATION.md §3.13). */
export const FLAGS = {
  INVALID: 1,
  SPIKE_X: 2,
  SPIKE_Y: 4,
  HELD: 8,
  NO_REFERENCE: 16,
  GRAVITY: 32,
} as const;

export function chainLabel(key: { controlUnitCode: string; chain: string }): string {
  return `${key.controlUnitCode}-${key.chain}`;
}
