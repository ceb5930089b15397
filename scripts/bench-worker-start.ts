/**
 * `npm run bench:worker-start`: how long a cold worker thread of the engine
 * takes before it can compute (start, load src/core/engine/worker.ts and
 * the elaboration), with and without Node's compile cache
 * (src/core/worker-env.ts). Alternates the two, prints one JSON document.
 *
 * Environment: CATENA_BENCH_ROUNDS (default 7).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const entry = new URL('../src/core/engine/worker.ts', import.meta.url).href;
const loader = `
  const { parentPort } = require('node:worker_threads');
  const t = performance.now();
  import(${JSON.stringify(entry)}).then(() => {
    require('node:module').flushCompileCache?.();
    parentPort.postMessage(performance.now() - t);
  });`;

/** [ms from new Worker to loaded, ms of the import alone] */
async function coldStart(env: NodeJS.ProcessEnv): Promise<[number, number]> {
  const t0 = performance.now();
  const worker = new Worker(loader, { eval: true, env });
  const importMs = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const total = performance.now() - t0;
  await worker.terminate();
  return [Math.round(total), Math.round(importMs)];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rounds = Number(process.env.CATENA_BENCH_ROUNDS ?? 7);
const cache = mkdtempSync(join(tmpdir(), 'catena-bench-cc-'));
const { NODE_COMPILE_CACHE: _, ...plain } = process.env;
const without: [number, number][] = [];
const withCache: [number, number][] = [];
try {
  await coldStart({ ...plain, NODE_COMPILE_CACHE: cache }); // fills the cache
  for (let i = 0; i < rounds; i++) {
    without.push(await coldStart({ ...plain, NODE_DISABLE_COMPILE_CACHE: '1' }));
    withCache.push(await coldStart({ ...plain, NODE_COMPILE_CACHE: cache }));
  }
} finally {
  rmSync(cache, { recursive: true, force: true });
}
const figures = (runs: [number, number][]) => ({
  startMsMedian: median(runs.map((r) => r[0])),
  importMsMedian: median(runs.map((r) => r[1])),
  runs,
});
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'worker-start',
      date: new Date().toISOString(),
      node: process.version,
      rounds,
      withoutCompileCache: figures(without),
      withCompileCache: figures(withCache),
    },
    null,
    2,
  )}\n`,
);
