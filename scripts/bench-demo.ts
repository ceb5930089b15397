/**
 * `npm run bench:demo`: the desktop case. The demo site in a fresh SQLite
 * file, elaborated in full (6 chains) in this process as the desktop main
 * process does it (SQLite in its worker thread, the CPU work in the engine's
 * pool), with the event loop's delay measured throughout; then the SQLite
 * floor measured the same way as the MariaDB one: reading every raw row
 * through the store, and writing as many elaborated rows through its bulk
 * path. Prints one JSON document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DatabaseSync } from 'node:sqlite';
import { installDemoSite } from '../src/core/demo/install.ts';
import type { ElaboratedColumns } from '../src/core/domain/columns.ts';
import { Engine } from '../src/core/engine/engine.ts';
import { openStore } from '../src/core/store/open.ts';

const dir = mkdtempSync(join(tmpdir(), 'catena-bench-demo-'));
const path = join(dir, 'demo.db');
try {
  const store = await openStore(`sqlite:${path}`, { migrate: true });
  await installDemoSite(store);
  const chains = (await store.listChains()).filter((c) => c.active);
  const keys = chains.map(({ controlUnitCode, chain }) => ({ controlUnitCode, chain }));

  const engine = new Engine({ store, host: 'bench' });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const t0 = performance.now();
  delay.enable();
  const launch = await engine.launch({ chains: keys, mode: 'full' });
  const finished = await launch.done;
  delay.disable();
  const engineSeconds = (performance.now() - t0) / 1000;
  await engine.close();
  const rowsWritten = finished.results.reduce((s, r) => s + r.rowsWritten, 0);

  // The floor: the same rows read and written by the database alone, through the store's fastest paths.
  const outputs: ElaboratedColumns[] = [];
  for (const key of keys) outputs.push(await store.readElaborated({ ...key, from: null, to: null }));
  const side = new DatabaseSync(path);
  side.exec('DELETE FROM elaborated_rsn_data; DELETE FROM rsn_alarm_events;');
  side.close();
  const t1 = performance.now();
  let rowsRead = 0;
  for (const key of keys) {
    for await (const rows of store.readRaw({ ...key, from: null, to: null })) rowsRead += rows.length;
  }
  const readSeconds = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  const batch = store.sizes.elaboratedWriteRows;
  for (const [c, key] of keys.entries()) {
    const out = outputs[c]!;
    for (let a = 0; a < out.length; a += batch) {
      const b = Math.min(out.length, a + batch);
      const rows = sliceRows(out, a, b);
      await store.writeChunk({
        ...key,
        runId: 0,
        rows,
        eventsFrom: rows.timestamp[0]!,
        eventsTo: rows.timestamp[rows.length - 1]!,
        events: [],
      });
    }
  }
  const writeSeconds = (performance.now() - t2) / 1000;
  await store.close();
  const floorSeconds = readSeconds + writeSeconds;
  const report = {
    benchmark: 'demo (SQLite, the desktop case)',
    date: new Date().toISOString(),
    chains: keys.length,
    rawRows: rowsRead,
    rowsWritten,
    engine: {
      seconds: round(engineSeconds),
      succeeded: finished.results.filter((r) => r.status === 'succeeded').length,
      eventLoopDelayMs: { p99: round(delay.percentile(99) / 1e6), max: round(delay.max / 1e6) },
    },
    floor: {
      readSeconds: round(readSeconds),
      writeSeconds: round(writeSeconds),
      seconds: round(floorSeconds),
    },
    ratioEngineToFloor: round(engineSeconds / floorSeconds),
    target: { eventLoopP99Ms: 20 },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function sliceRows(cols: ElaboratedColumns, a: number, b: number): ElaboratedColumns {
  const view = <T extends Float64Array | Int32Array>(x: T) => x.subarray(a, b) as T;
  return {
    length: b - a,
    timestamp: view(cols.timestamp),
    nodeIndex: view(cols.nodeIndex),
    alphaX: view(cols.alphaX),
    alphaY: view(cols.alphaY),
    temperature: view(cols.temperature),
    dispX: view(cols.dispX),
    dispY: view(cols.dispY),
    cumX: view(cols.cumX),
    cumY: view(cols.cumY),
    cumR: view(cols.cumR),
    velR: view(cols.velR),
    flags: view(cols.flags),
  };
}
