/**
 * Step 12 of §3: the velocity of the cumulative displacement, a least-squares
 * slope over a trailing window. Every window's sums are computed afresh in
 * the centred two-pass form: no running sums, so the result at t does not
 * depend on where the block started (§5) and keeps its precision when the
 * cumulative values are large.
 *
 * Most nodes have a point at every timestamp of the window; for them x̄ and
 * Σ(x − x̄)² are the window's, computed once per timestamp and shared. That
 * is the same arithmetic in the same order as the per-node computation, so
 * the shortcut changes no bit.
 */
import type { VelocityState } from './state.ts';
import type { ChainParams } from './types.ts';
import { DAY, HOUR } from './units.ts';

/** Fewer points than this give no velocity. */
const MIN_POINTS = 3;

/**
 * velR of a chunk's cells, continuing from the rows the previous chunk left
 * in `state` (the rows a window can still reach); returns the rows this chunk
 * leaves for the next.
 */
export function chunkVelocities(
  params: ChainParams,
  state: VelocityState,
  timestamps: Float64Array,
  nodeCount: number,
  cumX: Float64Array,
  cumY: Float64Array,
): { velR: Float64Array; state: VelocityState } {
  const kept = state.timestamps.length;
  const allT = concat(state.timestamps, timestamps);
  const allX = concat(state.cumX, cumX);
  const allY = concat(state.cumY, cumY);
  const all = velocities(params, allT, nodeCount, allX, allY, kept);
  const velR = kept === 0 ? all : all.slice(kept * nodeCount);
  // A later window [t − w, t] with t > the last time reaches only rows after last − w.
  const last = allT[allT.length - 1];
  let from = 0;
  if (last !== undefined) {
    const horizon = last - params.velocityWindowHours * HOUR;
    while (from < allT.length && !(allT[from]! > horizon)) from++;
  }
  return {
    velR,
    state: {
      timestamps: allT.slice(from),
      cumX: allX.slice(from * nodeCount),
      cumY: allY.slice(from * nodeCount),
    },
  };
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  if (a.length === 0) return b;
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * velR per cell (NaN = null) from the cumulative columns of the whole block;
 * rows before `from` are only the history of later windows (their velR stays null).
 */
export function velocities(
  params: ChainParams,
  timestamps: Float64Array,
  nodeCount: number,
  cumX: Float64Array,
  cumY: Float64Array,
  from = 0,
): Float64Array {
  const count = timestamps.length;
  const velR = new Float64Array(count * nodeCount).fill(Number.NaN);
  const window = params.velocityWindowHours * HOUR;
  const minSpan = window / 2;
  // Node-major copies: a node's window is then contiguous.
  const seriesX = nodeMajor(cumX, nodeCount, count);
  const seriesY = nodeMajor(cumY, nodeCount, count);
  // Per node, the index of its latest null point so far (−1 = none).
  const lastNull = new Int32Array(nodeCount).fill(-1);
  const dxs = new Float64Array(count);
  const xs = new Float64Array(count);
  const as = new Float64Array(count);
  const bs = new Float64Array(count);
  let first = 0;
  for (let i = 0; i < count; i++) {
    const t = timestamps[i]!;
    while (first <= i && !(timestamps[first]! > t - window)) first++;
    if (i < from) {
      for (let k = 0; k < nodeCount; k++) {
        if (Number.isNaN(seriesX[k * count + i]!) || Number.isNaN(seriesY[k * count + i]!)) lastNull[k] = i;
      }
      continue;
    }
    const full = windowShape(timestamps, first, i, dxs);
    const fullUsable = i - first + 1 >= MIN_POINTS && t - timestamps[first]! >= minSpan;
    for (let k = 0; k < nodeCount; k++) {
      const at = k * count;
      if (Number.isNaN(seriesX[at + i]!) || Number.isNaN(seriesY[at + i]!)) {
        lastNull[k] = i;
        continue;
      }
      const cell = i * nodeCount + k;
      if (lastNull[k]! < first) {
        // A point at every timestamp of the window: the shared x̄ and Σ(x − x̄)² apply.
        if (fullUsable) velR[cell] = sharedSlope(dxs, full, seriesX, seriesY, at + first, i - first + 1);
        continue;
      }
      const n = gatherPoints(timestamps, seriesX, seriesY, at, first, i, xs, as, bs);
      if (n < MIN_POINTS) continue;
      // The row's own point is the last one, so u_last − u_first = t − u_first.
      if (!(t - firstPointTime(timestamps, seriesX, seriesY, at, first) >= minSpan)) continue;
      velR[cell] = resultantSlope(xs, as, bs, n);
    }
  }
  return velR;
}

/**
 * x_u − x̄ for every timestamp u of the window [first, i] into dxs, and
 * returns Σ(x_u − x̄)², with x_u = (u − t) / DAY.
 */
function windowShape(timestamps: Float64Array, first: number, i: number, dxs: Float64Array): number {
  const t = timestamps[i]!;
  const n = i - first + 1;
  let sumX = 0;
  for (let j = first; j <= i; j++) sumX += (timestamps[j]! - t) / DAY;
  const meanX = sumX / n;
  let sxx = 0;
  for (let j = first; j <= i; j++) {
    const dx = (timestamps[j]! - t) / DAY - meanX;
    dxs[j - first] = dx;
    sxx += dx * dx;
  }
  return sxx;
}

/** resultantSlope for a node with a point at every timestamp of the window, from the window's dxs and sxx. */
function sharedSlope(
  dxs: Float64Array,
  sxx: number,
  seriesX: Float64Array,
  seriesY: Float64Array,
  from: number,
  n: number,
): number {
  let sumA = 0;
  let sumB = 0;
  for (let m = 0; m < n; m++) {
    sumA += seriesX[from + m]!;
    sumB += seriesY[from + m]!;
  }
  const meanA = sumA / n;
  const meanB = sumB / n;
  let sxa = 0;
  let sxb = 0;
  for (let m = 0; m < n; m++) {
    const dx = dxs[m]!;
    sxa += dx * (seriesX[from + m]! - meanA);
    sxb += dx * (seriesY[from + m]! - meanB);
  }
  const vX = sxa / sxx;
  const vY = sxb / sxx;
  return Math.sqrt(vX * vX + vY * vY);
}

/** The node's non-null points of the window [first, i] into xs/as/bs; returns their count. */
function gatherPoints(
  timestamps: Float64Array,
  seriesX: Float64Array,
  seriesY: Float64Array,
  at: number,
  first: number,
  i: number,
  xs: Float64Array,
  as: Float64Array,
  bs: Float64Array,
): number {
  const t = timestamps[i]!;
  let n = 0;
  for (let j = first; j <= i; j++) {
    const a = seriesX[at + j]!;
    const b = seriesY[at + j]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    xs[n] = (timestamps[j]! - t) / DAY;
    as[n] = a;
    bs[n] = b;
    n++;
  }
  return n;
}

/** The time of the node's first non-null point in the window starting at `first` (one exists: the row's own). */
function firstPointTime(
  timestamps: Float64Array,
  seriesX: Float64Array,
  seriesY: Float64Array,
  at: number,
  first: number,
): number {
  let j = first;
  while (Number.isNaN(seriesX[at + j]!) || Number.isNaN(seriesY[at + j]!)) j++;
  return timestamps[j]!;
}

/**
 * sqrt(vX² + vY²) where vX, vY are the least-squares slopes of as and bs
 * against xs over [0, n): Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², with plain means and
 * every sum in ascending time.
 */
export function resultantSlope(xs: Float64Array, as: Float64Array, bs: Float64Array, n: number): number {
  let sumX = 0;
  let sumA = 0;
  let sumB = 0;
  for (let m = 0; m < n; m++) {
    sumX += xs[m]!;
    sumA += as[m]!;
    sumB += bs[m]!;
  }
  const meanX = sumX / n;
  const meanA = sumA / n;
  const meanB = sumB / n;
  let sxx = 0;
  let sxa = 0;
  let sxb = 0;
  for (let m = 0; m < n; m++) {
    const dx = xs[m]! - meanX;
    sxx += dx * dx;
    sxa += dx * (as[m]! - meanA);
    sxb += dx * (bs[m]! - meanB);
  }
  const vX = sxa / sxx;
  const vY = sxb / sxx;
  return Math.sqrt(vX * vX + vY * vY);
}

function nodeMajor(values: Float64Array, nodeCount: number, count: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0, cell = 0; i < count; i++) {
    for (let k = 0; k < nodeCount; k++, cell++) out[k * count + i] = values[cell]!;
  }
  return out;
}
