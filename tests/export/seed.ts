/**
 * A small monitoring database for the export and snapshot suites: two chains
 * with their configuration, elaborated rows (with a gap and NULL values),
 * runs of each kind of end, alarm events some of which are notified and
 * acknowledged (a note with a comma, quotes and a line break).
 */
import type { AlarmEvent } from '../../src/core/domain/alarms.ts';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { ElaboratedColumns } from '../../src/core/domain/columns.ts';
import type { Store } from '../../src/core/store/port.ts';
import { type ElaboratedRow, elaborated, node, STEP, station, T0, threshold } from '../store/fixtures.ts';
import { END } from '../store/suite.ts';

export const A: ChainKey = { controlUnitCode: 'CU001', chain: 'A' };
export const B: ChainKey = { controlUnitCode: 'CU002', chain: 'B' };
/** a chain of the source that a snapshot of A and B leaves out */
export const C: ChainKey = { controlUnitCode: 'CU003', chain: 'C' };

export const A_NODES = [1, 2, 3, 4];
export const B_NODES = [1, 2];

/** Grid rows of `count` timestamps from `first` (an index of STEP), a gap of 40 steps at 100..139. */
export function rowsOf(nodes: number[], first: number, count: number): ElaboratedColumns {
  const rows: ElaboratedRow[] = [];
  for (let i = first; i < first + count; i++) {
    if (i >= 100 && i < 140) continue;
    for (const n of nodes) {
      // every 7th row has NULL values
      const nullRow = (i + n) % 7 === 0;
      rows.push({ t: T0 + i * STEP, n, v: nullRow ? undefined : i * 0.125 + n / 3, flags: (i + n) % 5 });
    }
  }
  return elaborated(rows);
}

function events(count: number, first: number): AlarmEvent[] {
  const out: AlarmEvent[] = [];
  const metrics = ['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg'] as const;
  for (let i = 0; i < count; i++) {
    // one or two metrics change at each timestamp
    const t = T0 + (first + i * 3) * STEP;
    out.push({
      metric: metrics[i % 3]!,
      timestamp: t,
      level: 1 + (i % 2),
      previousLevel: i % 2,
      nodeIndex: 2,
      value: 3.5 + i,
    });
    if (i % 4 === 0) {
      out.push({
        metric: metrics[(i + 1) % 3]!,
        timestamp: t,
        level: 0,
        previousLevel: 1,
        nodeIndex: null,
        value: null,
      });
    }
  }
  return out;
}

export async function seedConfig(store: Store, key: ChainKey, nodes: number[]): Promise<void> {
  await store.upsertStation(
    station(key, {
      siteName: `Site, "${key.controlUnitCode}"`,
      referenceTime: T0,
      azimuthDeg: 35,
      timeZone: 'Europe/Rome',
    }),
  );
  await store.replaceChainConfig(
    key,
    nodes.map((n) => node(key, n)),
    [threshold(key, 'cumulative_mm', 1, 5), threshold(key, 'velocity_mm_per_day', 2, 1.5, nodes[0]!)],
  );
}

/** Writes `rows` and `evs` as one run of the chain (startRun, writeChunk, endRun); returns its id. */
export async function writeRun(
  store: Store,
  key: ChainKey,
  rows: ElaboratedColumns,
  evs: AlarmEvent[],
  launchId: string,
  status: 'succeeded' | 'failed' = 'succeeded',
): Promise<number> {
  const first = rows.length > 0 ? rows.timestamp[0]! : T0;
  const last = rows.length > 0 ? rows.timestamp[rows.length - 1]! : T0;
  const runId = await store.startRun({
    ...key,
    launchId,
    mode: 'range',
    spanFrom: first,
    spanTo: last,
    host: 'seed',
  });
  await store.writeChunk({ ...key, runId, rows, eventsFrom: first, eventsTo: last, events: evs });
  await store.endRun(runId, {
    ...END,
    status,
    message: status === 'failed' ? 'stopped, "on purpose"' : null,
    errorCode: status === 'failed' ? 'DATA_INVALID' : null,
  });
  return runId;
}

/** Seeds chains A (4 nodes, 260 timestamps with a gap), B (2 nodes) and C. */
export async function seed(store: Store): Promise<void> {
  await store.migrate();
  await seedConfig(store, A, A_NODES);
  await seedConfig(store, B, B_NODES);
  await seedConfig(store, C, [1]);
  await writeRun(store, A, rowsOf(A_NODES, 0, 300), events(30, 1), 'launch-1');
  await writeRun(store, B, rowsOf(B_NODES, 0, 60), events(5, 2), 'launch-1', 'failed');
  await writeRun(store, C, rowsOf([1], 0, 10), [], 'launch-1');
  const listed = await store.listEvents({ key: A, limit: 1000 });
  const some = listed.filter((e) => e.level > 0).slice(0, 6);
  await store.markNotified(A, some, T0 + 100_000);
  await store.acknowledgeEvents({
    key: A,
    events: some.slice(0, 3),
    by: 'Rossi',
    note: 'ok, "checked"\nnext day',
    at: T0 + 200_000,
  });
  await store.acknowledgeEvents({
    key: A,
    events: some.slice(3, 4),
    by: 'Bianchi',
    note: null,
    at: T0 + 300_000,
  });
}
