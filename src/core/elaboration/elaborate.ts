/**
 * One block of a chain through §3 and §4. The block's first rows may be
 * look-back context (§5): every step runs over the whole block, and only the
 * rows from `outputFrom` on are returned.
 */

import type { AlarmEvent } from '../domain/alarms.ts';
import { FLAG_HELD, FLAG_INVALID, FLAG_SPIKE_X, FLAG_SPIKE_Y } from '../domain/flags.ts';
import { alarmEvents, alarmTables } from './alarms.ts';
import type { Cells } from './cells.ts';
import { despikeCells } from './despike.ts';
import { cumulativeDisplacements, localDisplacements } from './displacement.ts';
import { holdInvalidCells } from './hold.ts';
import { readCells } from './readings.ts';
import {
  type ChainState,
  emptyAlarmState,
  emptyDespikeState,
  emptyHoldState,
  emptyVelocityState,
} from './state.ts';
import type { ChainModel, OutputBlock, RawBlock, References } from './types.ts';
import { chunkVelocities } from './velocity.ts';

export interface ElaborationCounts {
  invalidRows: number;
  /** rows flagged SPIKE_X or SPIKE_Y */
  spikeRows: number;
  heldRows: number;
}

export interface ElaborationResult {
  output: OutputBlock;
  events: AlarmEvent[];
  counts: ElaborationCounts;
}

/**
 * Elaborates `block` (its timestamps are chain timestamps; cell (i, k) is at
 * i * nodeCount + k, k indexing model.nodes) and returns the rows, events and
 * counts of the timestamp indices ≥ outputFrom. The chain level before index
 * outputFrom is that of the context row outputFrom − 1, or 0 when
 * outputFrom = 0 (the block then starts at the chain's first timestamp).
 */
export function elaborateBlock(
  model: ChainModel,
  refs: References,
  block: RawBlock,
  outputFrom: number,
): ElaborationResult {
  const { state: _, ...result } = elaborateChunk(model, refs, block, outputFrom, null);
  return result;
}

export interface ChunkResult extends ElaborationResult {
  /** what the next chunk continues from */
  state: ChainState;
}

/**
 * Elaborates a chunk of a chain that continues from `state`, the state the
 * previous chunk returned (null: the chunk starts the chain, or starts a
 * run's look-back context, whose rows before outputFrom are then computed
 * only to build the state). The result for a chunk sequence is the same, bit
 * for bit, as for one block holding all of it.
 */
export function elaborateChunk(
  model: ChainModel,
  refs: References,
  block: RawBlock,
  outputFrom: number,
  state: ChainState | null,
): ChunkResult {
  checkShapes(model, refs, block, outputFrom);
  const { params, nodes } = model;
  const nodeCount = block.nodeCount;
  const carried = state ?? initialState(model);
  const cells = readCells(nodes, block);
  despikeCells(params, cells, carried.despike);
  holdInvalidCells(params, cells, carried.hold);
  const local = localDisplacements(nodes, refs, cells);
  const cumulative = cumulativeDisplacements(params.fixedEnd, nodeCount, local);
  const velocity = chunkVelocities(
    params,
    carried.velocity,
    block.timestamps,
    nodeCount,
    cumulative.cumX,
    cumulative.cumY,
  );
  const velR = velocity.velR;
  const events = alarmEvents(model, { cells, refs, cumR: cumulative.cumR, velR }, outputFrom, carried.alarms);
  const from = outputFrom * nodeCount;
  const output: OutputBlock = {
    nodeCount,
    timestamps: tail(block.timestamps, outputFrom),
    alphaX: tail(cells.alphaX, from),
    alphaY: tail(cells.alphaY, from),
    temperature: tail(cells.temperature, from),
    dispX: tail(local.dispX, from),
    dispY: tail(local.dispY, from),
    cumX: tail(cumulative.cumX, from),
    cumY: tail(cumulative.cumY, from),
    cumR: tail(cumulative.cumR, from),
    velR: tail(velR, from),
    flags: tail(cells.flags, from),
  };
  return {
    output,
    events,
    counts: countRows(cells, from),
    state: { ...carried, velocity: velocity.state },
  };
}

function initialState(model: ChainModel): ChainState {
  const nodeCount = model.nodes.length;
  return {
    despike: emptyDespikeState(nodeCount, model.params.despikeWindow),
    hold: emptyHoldState(nodeCount),
    velocity: emptyVelocityState(),
    alarms: alarmTables(model).map(() => emptyAlarmState()),
  };
}

function countRows(cells: Cells, from: number): ElaborationCounts {
  const counts: ElaborationCounts = { invalidRows: 0, spikeRows: 0, heldRows: 0 };
  const { flags } = cells;
  for (let cell = from; cell < flags.length; cell++) {
    const f = flags[cell]!;
    if ((f & FLAG_INVALID) !== 0) counts.invalidRows++;
    if ((f & (FLAG_SPIKE_X | FLAG_SPIKE_Y)) !== 0) counts.spikeRows++;
    if ((f & FLAG_HELD) !== 0) counts.heldRows++;
  }
  return counts;
}

/** A copy from `from` on (a copy, not a view, so a posted result does not carry the context rows). */
function tail<T extends Float64Array | Int32Array>(values: T, from: number): T {
  return from === 0 ? values : (values.slice(from) as T);
}

function checkShapes(model: ChainModel, refs: References, block: RawBlock, outputFrom: number): void {
  const nodeCount = model.nodes.length;
  const size = nodeCount * block.timestamps.length;
  const columns = [block.present, block.rawX, block.rawY, block.rawZ, block.rawT, block.errorCode];
  if (
    block.nodeCount !== nodeCount ||
    columns.some((column) => column.length !== size) ||
    refs.refX.length !== nodeCount ||
    refs.refY.length !== nodeCount ||
    !Number.isInteger(outputFrom) ||
    outputFrom < 0 ||
    outputFrom > block.timestamps.length
  ) {
    throw new Error(
      `elaborateBlock: block of ${block.nodeCount} nodes × ${block.timestamps.length} timestamps, ` +
        `refs of ${refs.refX.length}, outputFrom ${outputFrom} do not fit a model of ${nodeCount} nodes`,
    );
  }
}
