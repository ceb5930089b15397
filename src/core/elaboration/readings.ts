/**
 * Steps 1–6 of §3: from raw counts to temperature-compensated tilt angles,
 * one reading at a time (no history involved).
 */

import { FLAG_GRAVITY, FLAG_INVALID } from '../domain/flags.ts';
import { type Cells, emptyCells } from './cells.ts';
import type { NodeParams, RawBlock } from './types.ts';
import { RAD_TO_DEG } from './units.ts';

/** A 3-axis reading whose |g| is further than this from 1 is not a tilt (step 3). */
const GRAVITY_TOLERANCE = 0.1;

/** Steps 1–6 for every cell of the block; invalid cells get the INVALID flag and null angles. */
export function readCells(nodes: readonly NodeParams[], block: RawBlock): Cells {
  const cells = emptyCells(block.nodeCount, block.timestamps);
  const nodeCount = block.nodeCount;
  const count = block.timestamps.length;
  for (let i = 0, cell = 0; i < count; i++) {
    for (let k = 0; k < nodeCount; k++, cell++) {
      const node = nodes[k]!;
      cells.flags[cell] = isReadable(block, cell, node.fullScaleCounts)
        ? readTilt(node, block, cell, cells)
        : FLAG_INVALID;
    }
  }
  return cells;
}

/** Step 1. A null rawZ is fine (2-axis reading); a present one must be finite and in range. */
export function isReadable(block: RawBlock, cell: number, fullScale: number): boolean {
  if (block.present[cell] === 0 || block.errorCode[cell] !== 0) return false;
  const x = block.rawX[cell]!;
  const y = block.rawY[cell]!;
  const t = block.rawT[cell]!;
  const z = block.rawZ[cell]!;
  if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(t)) return false;
  if (Math.abs(x) > fullScale || Math.abs(y) > fullScale) return false;
  if (Number.isNaN(z)) return true;
  return Number.isFinite(z) && Math.abs(z) <= fullScale;
}

/**
 * Steps 2–6 for a readable cell: writes its compensated angles and
 * temperature into `cells` and returns its flags (0, or INVALID | GRAVITY).
 */
function readTilt(node: NodeParams, block: RawBlock, cell: number, cells: Cells): number {
  const gX = (block.rawX[cell]! - node.offsetX) * node.gainX;
  const gY = (block.rawY[cell]! - node.offsetY) * node.gainY;
  const rawZ = block.rawZ[cell]!;
  let alphaX: number;
  let alphaY: number;
  // 3-axis is decided per reading: a 3-axis node whose Z is missing still tilts on X and Y.
  if (node.offsetZ !== null && node.gainZ !== null && !Number.isNaN(rawZ)) {
    const gZ = (rawZ - node.offsetZ) * node.gainZ;
    const m = Math.sqrt(gX * gX + gY * gY + gZ * gZ);
    if (Math.abs(m - 1) > GRAVITY_TOLERANCE) return FLAG_INVALID | FLAG_GRAVITY;
    alphaX = Math.atan2(gX, Math.sqrt(gY * gY + gZ * gZ)) * RAD_TO_DEG;
    alphaY = Math.atan2(gY, Math.sqrt(gX * gX + gZ * gZ)) * RAD_TO_DEG;
  } else {
    alphaX = Math.asin(clampUnit(gX)) * RAD_TO_DEG;
    alphaY = Math.asin(clampUnit(gY)) * RAD_TO_DEG;
  }
  const temperature = node.tempOffset + node.tempGain * block.rawT[cell]!;
  cells.temperature[cell] = temperature;
  cells.alphaX[cell] = alphaX - node.tempCoeffX * (temperature - node.tempRef);
  cells.alphaY[cell] = alphaY - node.tempCoeffY * (temperature - node.tempRef);
  return 0;
}

/** A 2-axis reading slightly over 1 g (noise, gain error) is a full tilt, not NaN (step 4). */
function clampUnit(g: number): number {
  return Math.min(Math.max(g, -1), 1);
}
