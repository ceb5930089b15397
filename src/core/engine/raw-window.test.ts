import { describe, expect, it } from 'vitest';
import type { RawColumns } from '../domain/columns.ts';
import { RawWindow } from './raw-window.ts';

/** rows: [timestamp, nodeIndex, rawX] */
function columns(rows: [number, number, number][]): RawColumns {
  const n = rows.length;
  const c: RawColumns = {
    length: n,
    timestamp: Float64Array.from(rows.map((r) => r[0])),
    nodeIndex: Int32Array.from(rows.map((r) => r[1])),
    rawX: Float64Array.from(rows.map((r) => r[2])),
    rawY: new Float64Array(n),
    rawZ: new Float64Array(n).fill(Number.NaN),
    rawT: new Float64Array(n),
    errorCode: new Int32Array(n),
  };
  return c;
}

describe('RawWindow', () => {
  it('lays the rows of enabled nodes out time-major, NaN and absent where a node has no row', () => {
    const w = new RawWindow([1, 3], [1, 2, 3], 0);
    w.add(
      columns([
        [100, 1, 11],
        [100, 3, 13],
        [200, 3, 23],
      ]),
    );
    const b = w.block(0, 1000);
    expect(Array.from(b.timestamps)).toEqual([100, 200]);
    expect(Array.from(b.present)).toEqual([1, 1, 0, 1]);
    expect(Array.from(b.rawX)).toEqual([11, 13, Number.NaN, 23]);
  });

  it('§1 chain timestamps come only from enabled nodes; disabled rows are dropped silently', () => {
    const w = new RawWindow([1], [1, 2], 0);
    w.add(
      columns([
        [100, 1, 1],
        [150, 2, 9], // disabled node 2 alone: not a chain timestamp
        [200, 1, 2],
      ]),
    );
    expect(Array.from(w.block(0, 1000).timestamps)).toEqual([100, 200]);
    expect(w.unknownRows).toBe(0);
  });

  it('counts rows of nodes unknown to rsn_nodes, only from the span start on', () => {
    const w = new RawWindow([1], [1], 150);
    w.add(
      columns([
        [100, 7, 0], // context: not counted
        [200, 7, 0],
        [200, 8, 0],
        [200, 1, 5],
      ]),
    );
    expect(w.unknownRows).toBe(2);
    expect(w.rowsRead).toBe(4);
  });

  it('keeps rows across adds, cuts blocks by time, and trims what is older than the context', () => {
    const w = new RawWindow([1], [1], 0);
    w.add(columns([[100, 1, 1]]));
    w.add(columns([[200, 1, 2]]));
    w.add(columns([[300, 1, 3]]));
    expect(Array.from(w.block(150, 300).rawX)).toEqual([2, 3]);
    w.trimBefore(200);
    expect(Array.from(w.block(0, 1000).timestamps)).toEqual([200, 300]);
  });
});
