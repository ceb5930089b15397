/**
 * `npm run bench:elaborate`: the elaboration benchmark (figures, not a timed
 * test). Builds the workload of the original notes in a scratch MariaDB
 * database, measures the database floor (reading the raw rows + bulk-writing
 * as many output rows, by the store's fastest method, with the engine's
 * parallel streams), then the full elaboration at concurrency 1 and at the
 * default, with peak RSS and event-loop delay; repeats with 60 days. Each
 * measurement runs in a fresh child process so that peak RSS is its own.
 * Prints one JSON document on stdout; progress goes to stderr.
 *
 * Environment: CATENA_BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/catena_bench),
 * CATENA_BENCH_DAYS (default "30,60"), CATENA_BENCH_CHAINS (default 10).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import type { ElaboratedColumns } from '../src/core/domain/columns.ts';
import { DEFAULT_CONCURRENCY, Engine } from '../src/core/engine/engine.ts';
import { openStore } from '../src/core/store/open.ts';
import type { Store } from '../src/core/store/port.ts';
import { parseProfile } from '../src/core/store/profile.ts';
import { chainKeys, installWorkload, WORKLOAD_30_DAYS, type WorkloadShape } from './bench/workload.ts';

const URL_ = process.env.CATENA_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/catena_bench';
const self = fileURLToPath(import.meta.url);
const FLOOR_LANES = [1, 2, 4];
/** The children run with the V8 flags the CLI uses (bin/node-flags.json). */
const NODE_FLAGS: string[] = JSON.parse(
  readFileSync(new URL('../bin/node-flags.json', import.meta.url), 'utf8'),
);

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function ensureDatabase(): Promise<void> {
  const url = new URL(URL_);
  const name = url.pathname.slice(1);
  url.pathname = '/';
  const conn = await mysql.createConnection({ uri: url.toString() });
  await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
  await conn.end();
}

async function clearOutputs(): Promise<void> {
  const conn = await mysql.createConnection({ uri: URL_ });
  await conn.query('TRUNCATE TABLE elaborated_rsn_data');
  await conn.query('TRUNCATE TABLE rsn_alarm_events');
  await conn.end();
}

function shapeFor(days: number): WorkloadShape {
  return {
    ...WORKLOAD_30_DAYS,
    days,
    chains: Number(process.env.CATENA_BENCH_CHAINS ?? WORKLOAD_30_DAYS.chains),
  };
}

/** Runs `task` over the items with `lanes` at once. */
async function inLanes<T>(
  items: T[],
  lanes: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i]!, i);
      }
    }),
  );
}

function fakeOutput(timestamps: Float64Array, nodes: number, seed: number): ElaboratedColumns {
  const n = timestamps.length * nodes;
  const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return {
    length: n,
    timestamp: Float64Array.from({ length: n }, (_, i) => timestamps[Math.floor(i / nodes)]!),
    nodeIndex: Int32Array.from({ length: n }, (_, i) => (i % nodes) + 1),
    alphaX: col((i) => 0.5 + i * 1e-7 + seed),
    alphaY: col((i) => -0.3 - i * 1e-7),
    temperature: col((i) => 12.25 + (i % 97) / 7),
    dispX: col((i) => (i % 113) / 3),
    dispY: col((i) => -(i % 71) / 7),
    cumX: col((i) => (i % 1013) / 11),
    cumY: col((i) => (i % 917) / 13),
    cumR: col((i) => (i % 1999) / 17),
    velR: col((i) => (i % 37) / 19),
    flags: Int32Array.from({ length: n }, (_, i) => (i % 500 === 0 ? 1 : 0)),
  };
}

function slice(cols: ElaboratedColumns, a: number, b: number): ElaboratedColumns {
  return {
    length: b - a,
    timestamp: cols.timestamp.subarray(a, b),
    nodeIndex: cols.nodeIndex.subarray(a, b),
    alphaX: cols.alphaX.subarray(a, b),
    alphaY: cols.alphaY.subarray(a, b),
    temperature: cols.temperature.subarray(a, b),
    dispX: cols.dispX.subarray(a, b),
    dispY: cols.dispY.subarray(a, b),
    cumX: cols.cumX.subarray(a, b),
    cumY: cols.cumY.subarray(a, b),
    cumR: cols.cumR.subarray(a, b),
    velR: cols.velR.subarray(a, b),
    flags: cols.flags.subarray(a, b),
  };
}

/** The floor: the database reading every raw row, then writing as many output rows, lanes in parallel. */
async function measureFloor(store: Store, shape: WorkloadShape, lanes: number) {
  const keys = chainKeys(shape);
  let rowsRead = 0;
  const readCpu = cpuMeter();
  const t0 = performance.now();
  await inLanes(keys, lanes, async (key) => {
    for await (const rows of store.readRaw({ ...key, from: null, to: null }, { chunkRows: 50_000 }))
      rowsRead += rows.length;
  });
  const readSeconds = (performance.now() - t0) / 1000;
  const readSpent = readCpu();

  const outputs = await Promise.all(
    keys.map(async (key, c) => {
      const allNodes = Array.from({ length: shape.nodes }, (_, i) => i + 1);
      const ts = await store.chainTimestamps({ ...key, from: null, to: null }, allNodes);
      return fakeOutput(ts, shape.nodes, c);
    }),
  );
  let rowsWritten = 0;
  const writeRows = 25_000;
  const runId = 0;
  const writeCpu = cpuMeter();
  const t1 = performance.now();
  await inLanes(keys, lanes, async (key, c) => {
    const out = outputs[c]!;
    for (let a = 0; a < out.length; a += writeRows) {
      const rows = slice(out, a, Math.min(out.length, a + writeRows));
      const t = rows.timestamp;
      const r = await store.writeChunk({
        ...key,
        runId,
        rows,
        eventsFrom: t[0]!,
        eventsTo: t[t.length - 1]!,
        events: [],
      });
      rowsWritten += r.rowsWritten;
    }
  });
  const writeSeconds = (performance.now() - t1) / 1000;
  const writeSpent = writeCpu();
  return {
    lanes,
    rowsRead,
    readSeconds,
    rowsWritten,
    writeSeconds,
    floorSeconds: readSeconds + writeSeconds,
    ...cpuFigures(addCpu(readSpent, writeSpent), readSeconds + writeSeconds),
  };
}

async function measureEngine(store: Store, shape: WorkloadShape, concurrency: number) {
  const engine = new Engine({ store, concurrency, host: 'bench' });
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  try {
    const spent = cpuMeter();
    const t0 = performance.now();
    histogram.enable();
    const launch = await engine.launch({ chains: chainKeys(shape), mode: 'full', concurrency });
    const finished = await launch.done;
    histogram.disable();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuFigures(spent(), seconds);
    const failed = finished.results.filter((r) => r.status !== 'succeeded');
    if (failed.length > 0) throw new Error(`chains failed: ${failed.map((r) => r.message).join('; ')}`);
    const sum = (f: (r: (typeof finished.results)[number]) => number) =>
      finished.results.reduce((s, r) => s + f(r), 0);
    return {
      concurrency,
      seconds,
      rowsRead: sum((r) => r.rowsRead),
      rowsWritten: sum((r) => r.rowsWritten),
      eventsCreated: sum((r) => r.eventsCreated),
      rowsPerSecond: Math.round(sum((r) => r.rowsWritten) / seconds),
      ...cpu,
      eventLoopDelayMs: {
        p99: histogram.percentile(99) / 1e6,
        max: histogram.max / 1e6,
        mean: histogram.mean / 1e6,
      },
    };
  } finally {
    await engine.close();
  }
}

async function child(scenario: string, days: number, concurrency: number): Promise<void> {
  const store = await openStore(parseProfile(URL_));
  try {
    // A re-run elaborates over the outputs the previous (default) run left.
    if (scenario !== 'rerun') await clearOutputs();
    const shape = shapeFor(days);
    const result =
      scenario === 'floor'
        ? await measureFloor(store, shape, concurrency)
        : await measureEngine(store, shape, concurrency);
    const usage = process.resourceUsage();
    const peakRssMb = usage.maxRSS / 1024;
    // CPU of the whole process (main thread and worker threads), seconds
    const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
    process.stdout.write(
      `${JSON.stringify({ ...result, peakRssMb: Math.round(peakRssMb), cpuSeconds: Math.round(cpuSeconds * 10) / 10 })}\n`,
    );
  } finally {
    await store.close();
  }
}

/**
 * The database server's own CPU (user + system seconds, all its threads), read from /proc when the
 * server runs on this machine: with the client's CPU it tells whether a run is bound by the two
 * shared cores rather than by waiting. null when the server is remote or /proc is unreadable.
 */
async function serverPid(): Promise<number | null> {
  const conn = await mysql.createConnection({ uri: URL_ });
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT @@pid_file AS f, @@hostname AS h');
    const pidFile = String(rows[0]?.f ?? '');
    if (!existsSync(pidFile)) return null;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && existsSync(`/proc/${pid}/stat`) ? pid : null;
  } catch {
    return null;
  } finally {
    await conn.end();
  }
}

function processCpuSeconds(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    // fields after the command name (which may contain spaces): utime is the 12th, stime the 13th
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = Number(process.env.CATENA_BENCH_CLK_TCK ?? 100);

let dbPid: number | null = null;

interface CpuSpent {
  /** this process, all its threads */
  client: number;
  /** the database server, all its threads; null when it is not readable */
  server: number | null;
}

/** Starts counting the CPU seconds spent by this process and by the database server. */
function cpuMeter(): () => CpuSpent {
  const pid = process.env.CATENA_BENCH_DB_PID ? Number(process.env.CATENA_BENCH_DB_PID) : null;
  const c0 = process.cpuUsage();
  const s0 = processCpuSeconds(pid);
  return () => {
    const c = process.cpuUsage(c0);
    const s1 = processCpuSeconds(pid);
    return { client: (c.user + c.system) / 1e6, server: s0 === null || s1 === null ? null : s1 - s0 };
  };
}

function addCpu(a: CpuSpent, b: CpuSpent): CpuSpent {
  return {
    client: a.client + b.client,
    server: a.server === null || b.server === null ? null : a.server + b.server,
  };
}

/** The CPU figures of one timed measurement, and the share of all cores they kept busy. */
function cpuFigures(spent: CpuSpent, seconds: number) {
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    cpuClientSeconds: round(spent.client),
    cpuServerSeconds: spent.server === null ? null : round(spent.server),
    // near 1: both cores busy for the whole measurement, i.e. bound by CPU, not by waiting
    cpuBusyShare:
      spent.server === null ? null : round((spent.client + spent.server) / (seconds * cpus().length)),
  };
}

/**
 * CATENA_BENCH_SPLIT_CORES="0:1" runs the database server on CPU 0 and the measured process on CPU 1
 * (taskset), so that neither takes CPU from the other: the nearest this machine comes to a database
 * on its own machine. The server's affinity is restored at the end.
 */
const split = (() => {
  const spec = process.env.CATENA_BENCH_SPLIT_CORES;
  if (!spec) return null;
  const m = /^(\d+(?:-\d+)?):(\d+(?:-\d+)?)$/.exec(spec);
  if (!m)
    throw new Error(`CATENA_BENCH_SPLIT_CORES must look like "0:1" (server CPUs:client CPUs), not "${spec}"`);
  return { server: m[1]!, client: m[2]! };
})();

/** Pins every thread of the server (new threads inherit it); returns how to undo it. */
function pinServer(pid: number, cpus: string): () => void {
  const before = /affinity mask: (\w+)/.exec(
    execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8' }),
  )?.[1];
  if (!before) throw new Error(`cannot read the CPU affinity of the database server (pid ${pid})`);
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  log(`database server pinned to CPU ${cpus} (was mask ${before})`);
  return () => {
    execFileSync('taskset', ['-a', '-p', before, String(pid)], { stdio: 'ignore' });
    log(`database server affinity restored to mask ${before}`);
  };
}

function runChild(scenario: string, days: number, concurrency: number): Record<string, unknown> {
  log(`${scenario}, ${days} days, concurrency ${concurrency}…`);
  const argv = [...NODE_FLAGS, self, '--child', scenario, String(days), String(concurrency)];
  const out = execFileSync(
    split ? 'taskset' : process.execPath,
    split ? ['-c', split.client, process.execPath, ...argv] : argv,
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CATENA_BENCH_DB_PID: dbPid === null ? '' : String(dbPid) },
      maxBuffer: 1 << 20,
    },
  );
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
  log(JSON.stringify(result));
  return result;
}

async function main(): Promise<void> {
  await ensureDatabase();
  dbPid = await serverPid();
  log(dbPid === null ? 'database server CPU: not readable (remote server?)' : `database server pid ${dbPid}`);
  if (split && dbPid === null)
    throw new Error('CATENA_BENCH_SPLIT_CORES needs the database server on this machine');
  const unpin = split && dbPid !== null ? pinServer(dbPid, split.server) : () => {};
  process.once('SIGINT', () => {
    unpin();
    process.exit(130);
  });
  try {
    await measureAll();
  } finally {
    unpin();
  }
}

async function measureAll(): Promise<void> {
  const daysList = (process.env.CATENA_BENCH_DAYS ?? '30,60').split(',').map(Number);
  const runs = [];
  for (const days of daysList) {
    const shape = shapeFor(days);
    log(
      `installing ${shape.chains} chains × ${shape.nodes} nodes × ${days} days at ${shape.stepMinutes} min…`,
    );
    const store = await openStore(parseProfile(URL_));
    const t0 = performance.now();
    const rawRows = await installWorkload(store, shape);
    const loadSeconds = (performance.now() - t0) / 1000;
    await store.close();
    log(`${rawRows} raw rows loaded in ${loadSeconds.toFixed(1)} s`);
    // The floor is the database at its best: as many parallel bulk streams as suit it.
    const floors = FLOOR_LANES.map((lanes) => runChild('floor', days, lanes));
    const floor = floors.reduce((a, b) => ((a.floorSeconds as number) <= (b.floorSeconds as number) ? a : b));
    const sequential = runChild('engine', days, 1);
    const concurrent = runChild('engine', days, DEFAULT_CONCURRENCY);
    const rerun = runChild('rerun', days, DEFAULT_CONCURRENCY);
    const floorSeconds = floor.floorSeconds as number;
    runs.push({
      days,
      rawRows,
      loadSeconds,
      floor,
      floorsByLanes: floors,
      engine: { concurrency1: sequential, default: concurrent, rerunOverOutputs: rerun },
      ratioEngineToFloor: {
        concurrency1: (sequential.seconds as number) / floorSeconds,
        default: (concurrent.seconds as number) / floorSeconds,
        rerunOverOutputs: (rerun.seconds as number) / floorSeconds,
      },
    });
  }
  const report = {
    benchmark: 'elaborate',
    date: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    database: URL_.replace(/\/\/[^@]*@/, '//'),
    cores: split ? { databaseServer: split.server, measuredProcess: split.client } : 'shared',
    workload: {
      chains: shapeFor(30).chains,
      nodes: WORKLOAD_30_DAYS.nodes,
      stepMinutes: WORKLOAD_30_DAYS.stepMinutes,
    },
    targets: { ratioEngineToFloor: 1.5, peakRssMb: 400, eventLoopP99Ms: 20, eventLoopMaxMs: 50 },
    runs,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(args[1]!, Number(args[2]), Number(args[3]));
else await main();
