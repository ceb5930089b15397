/**
 * The raw rows a chain job holds in memory: the rows of the chunk being
 * elaborated plus its look-back context (ELABORATION.md §5), never the whole
 * history. Rows arrive from the store in (timestamp, nodeIndex) order; rows of
 * nodes that are not enabled are dropped on arrival, and those of nodes unknown
 * to rsn_nodes are counted for the run report.
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
  unknownRows = 0;
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
      seg.timestamp[n] = rows.timestamp[r]!;
      seg.column[n] = column;
      seg.rawX[n] = rows.rawX[r]!;
      seg.rawY[n] = rows.rawY[r]!;
      seg.rawZ[n] = rows.rawZ[r]!;
      seg.rawT[n] = rows.rawT[r]!;
      seg.errorCode[n] = rows.errorCode[r]!;
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
