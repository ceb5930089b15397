/**
 * The raw rows a chain job holds in memory: the rows of the chunk being
 * elaborated plus its look-back context (ELABORATION.md §5), never the whole
 * history. Rows arrive from the store in (timestamp, nodeIndex) order; rows of
 * nodes that are not enabled are dropped on arrival, and those of nodes unknown
 * to rsn_nodes are counted for the run report. A reading repeated for one
 * (timestamp, node), possible in a legacy table without a primary key, is
 * resolved by one rule (`preferred`) and counted.
 */

import type { RawColumns } from '../domain/columns.ts';
import type { RawBlock } from '../elaboration/types.ts';

interface Segment {
  timestamp: Float64Array;
  column: Int32Array;
  rawX: Float64Array;
  rawY: Float64Array;
  rawZ: Float64Array;
  rawT: Float64Array;
  errorCode: Int32Array;
  length: number;
}

export class RawWindow {
  readonly enabledNodes: readonly number[];
  readonly #nodeCount: number;
  readonly #columnOf: Map<number, number>;
  readonly #known: Set<number>;
  readonly #countUnknownFrom: number;
  #segments: Segment[] = [];
  /** where the last kept row is, to resolve a duplicate of it */
  #kept: { segment: Segment; row: number; t: number; column: number } | null = null;
  unknownRows = 0;
  /** rows of the span dropped as duplicates of a kept (timestamp, node) reading */
  duplicateRows = 0;
  rowsRead = 0;

  /**
   * @param enabledNodes nodeIndex of each block column, in column order
   * @param knownNodes every nodeIndex of rsn_nodes (enabled or not)
   * @param countUnknownFrom unknown-node rows at or after this time are counted (the run's span)
   */
  constructor(enabledNodes: readonly number[], knownNodes: readonly number[], countUnknownFrom: number) {
    this.enabledNodes = enabledNodes;
    this.#nodeCount = enabledNodes.length;
    this.#columnOf = new Map(enabledNodes.map((n, k) => [n, k]));
    this.#known = new Set(knownNodes);
    this.#countUnknownFrom = countUnknownFrom;
  }

  /** Latest timestamp held, or -Infinity. */
  get lastTimestamp(): number {
    const last = this.#segments.at(-1);
    return last && last.length > 0 ? last.timestamp[last.length - 1]! : Number.NEGATIVE_INFINITY;
  }

  add(rows: RawColumns): void {
    this.rowsRead += rows.length;
    const seg = allocateSegment(rows.length);
    let n = 0;
    for (let r = 0; r < rows.length; r++) {
      const node = rows.nodeIndex[r]!;
      const column = this.#columnOf.get(node);
      if (column === undefined) {
        if (!this.#known.has(node) && rows.timestamp[r]! >= this.#countUnknownFrom) this.unknownRows++;
        continue;
      }
      const t = rows.timestamp[r]!;
      const kept = this.#kept;
      if (kept && kept.t === t && kept.column === column) {
        // Rows come ordered by (timestamp, nodeIndex), so a duplicate follows the row it repeats.
        if (t >= this.#countUnknownFrom) this.duplicateRows++;
        if (preferred(rows, r, kept.segment, kept.row)) copyRow(rows, r, kept.segment, kept.row, column);
        continue;
      }
      copyRow(rows, r, seg, n, column);
      this.#kept = { segment: seg, row: n, t, column };
      n++;
    }
    seg.length = n;
    if (n > 0) this.#segments.push(seg);
  }

  /** Drops rows older than `from`. */
  trimBefore(from: number): void {
    this.#segments = this.#segments.filter((s) => s.timestamp[s.length - 1]! >= from);
  }

  /** Dense time-major block of the chain timestamps in [from, to]. */
  block(from: number, to: number): RawBlock {
    const timestamps = this.#chainTimestamps(from, to);
    const N = this.#nodeCount;
    const cells = timestamps.length * N;
    const block: RawBlock = {
      nodeCount: N,
      timestamps,
      present: new Uint8Array(cells),
      rawX: new Float64Array(cells).fill(Number.NaN),
      rawY: new Float64Array(cells).fill(Number.NaN),
      rawZ: new Float64Array(cells).fill(Number.NaN),
      rawT: new Float64Array(cells).fill(Number.NaN),
      errorCode: new Int32Array(cells),
    };
    let i = -1;
    let current = Number.NaN;
    for (const s of this.#segments) {
      for (let r = 0; r < s.length; r++) {
        const t = s.timestamp[r]!;
        if (t < from || t > to) continue;
        if (t !== current) {
          current = t;
          i++;
        }
        const cell = i * N + s.column[r]!;
        block.present[cell] = 1;
        block.rawX[cell] = s.rawX[r]!;
        block.rawY[cell] = s.rawY[r]!;
        block.rawZ[cell] = s.rawZ[r]!;
        block.rawT[cell] = s.rawT[r]!;
        block.errorCode[cell] = s.errorCode[r]!;
      }
    }
    return block;
  }

  #chainTimestamps(from: number, to: number): Float64Array {
    const out: number[] = [];
    let previous = Number.NaN;
    for (const s of this.#segments) {
      for (let r = 0; r < s.length; r++) {
        const t = s.timestamp[r]!;
        if (t >= from && t <= to && t !== previous) {
          out.push(t);
          previous = t;
        }
      }
    }
    return Float64Array.from(out);
  }
}

function copyRow(rows: RawColumns, r: number, seg: Segment, n: number, column: number): void {
  seg.timestamp[n] = rows.timestamp[r]!;
  seg.column[n] = column;
  seg.rawX[n] = rows.rawX[r]!;
  seg.rawY[n] = rows.rawY[r]!;
  seg.rawZ[n] = rows.rawZ[r]!;
  seg.rawT[n] = rows.rawT[r]!;
  seg.errorCode[n] = rows.errorCode[r]!;
}

/**
 * The rule for duplicated readings (ELABORATION.md appendix), independent of
 * the order the database returns them in: a reading without an error code
 * wins over one with; then the smaller rawX, rawY, rawZ, rawT in that order,
 * a NULL after any number.
 */
function preferred(rows: RawColumns, r: number, seg: Segment, k: number): boolean {
  const candidateError = rows.errorCode[r]! !== 0;
  const keptError = seg.errorCode[k]! !== 0;
  if (candidateError !== keptError) return keptError;
  const pairs: [number, number][] = [
    [rows.rawX[r]!, seg.rawX[k]!],
    [rows.rawY[r]!, seg.rawY[k]!],
    [rows.rawZ[r]!, seg.rawZ[k]!],
    [rows.rawT[r]!, seg.rawT[k]!],
  ];
  for (const [candidate, kept] of pairs) {
    const order = compareNullLast(candidate, kept);
    if (order !== 0) return order < 0;
  }
  return false;
}

function compareNullLast(a: number, b: number): number {
  const aNull = Number.isNaN(a);
  const bNull = Number.isNaN(b);
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function allocateSegment(length: number): Segment {
  return {
    timestamp: new Float64Array(length),
    column: new Int32Array(length),
    rawX: new Float64Array(length),
    rawY: new Float64Array(length),
    rawZ: new Float64Array(length),
    rawT: new Float64Array(length),
    errorCode: new Int32Array(length),
    length: 0,
  };
}
