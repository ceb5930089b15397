/**
 * Store throughput on the real databases (a benchmark, not a test):
 *
 *   node tests/store/bench.ts [timestamps=4000] [nodes=50] [chains=1] [repeat=3]
 *
 * For each target (SQLite file; MariaDB with LOAD DATA LOCAL; MariaDB with
 * the multi-row INSERT fallback) it times writeRaw, readRaw (whole chain, the
 * adapter's default chunk) and writeChunk (elaborated rows in chunks of 25 000
 * rows, each with an event), first on empty tables ("fresh"), then again over
 * the same keys ("again": the upsert path of a re-run). For MariaDB it also
 * times the server's own floor: INSERT … SELECT / REPLACE … SELECT of the
 * same elaborated rows (no client, no parsing, no network) and a scan of the
 * raw rows. Every repetition uses a new database/file and the targets are
 * interleaved, so that a noisy machine affects them alike; the summary gives
 * the median and best of the repetitions as JSON lines on stdout.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { ElaboratedColumns, RawColumns } from '../../src/core/domain/columns.ts';
import { type CatenaStore, openStore } from '../../src/core/store/open.ts';
import { MARIADB_URL } from '../support/mariadb.ts';

const TIMESTAMPS = Number(process.argv[2] ?? 4000);
const NODES = Number(process.argv[3] ?? 50);
const CHAINS = Number(process.argv[4] ?? 1);
const REPEAT = Number(process.argv[5] ?? 3);
const T0 = 1_767_225_600;
const STEP = 600;
const WRITE_CHUNK_ROWS = 25_000;

function rawRows(): RawColumns {
  const n = TIMESTAMPS * NODES;
  const out: RawColumns = {
    length: n,
    timestamp: new Float64Array(n),
    nodeIndex: new Int32Array(n),
    rawX: new Float64Array(n),
    rawY: new Float64Array(n),
    rawZ: new Float64Array(n),
    rawT: new Float64Array(n),
    errorCode: new Int32Array(n),
  };
  for (let i = 0, r = 0; i < TIMESTAMPS; i++) {
    for (let k = 1; k <= NODES; k++, r++) {
      out.timestamp[r] = T0 + i * STEP;
      out.nodeIndex[r] = k;
      out.rawX[r] = Math.round(8000 * Math.sin(i / 50 + k)); // counts: integers, like a real datalogger
      out.rawY[r] = Math.round(8000 * Math.cos(i / 70 + k));
      out.rawZ[r] = k % 2 ? 16000 + (i % 7) : Number.NaN;
      out.rawT[r] = 2100 + (i % 13);
    }
  }
  return out;
}

function elaboratedRows(from: number, count: number): ElaboratedColumns {
  const n = count * NODES;
  const f = () => new Float64Array(n);
  const out: ElaboratedColumns = {
    length: n,
    timestamp: f(),
    nodeIndex: new Int32Array(n),
    alphaX: f(),
    alphaY: f(),
    temperature: f(),
    dispX: f(),
    dispY: f(),
    cumX: f(),
    cumY: f(),
    cumR: f(),
    velR: f(),
    flags: new Int32Array(n),
  };
  for (let i = 0, r = 0; i < count; i++) {
    for (let k = 1; k <= NODES; k++, r++) {
      const x = Math.sin((from + i) / 50 + k); // full-precision doubles: the worst case for text formats
      out.timestamp[r] = T0 + (from + i) * STEP;
      out.nodeIndex[r] = k;
      out.alphaX[r] = x;
      out.alphaY[r] = x / 3;
      out.temperature[r] = 21 + x;
      out.dispX[r] = x * 1000;
      out.dispY[r] = x * 777;
      out.cumX[r] = x * 12345.678;
      out.cumY[r] = x * 2345.6789;
      out.cumR[r] = Math.abs(x) * 9999.1;
      out.velR[r] = i < 144 ? Number.NaN : x / 7;
      out.flags[r] = (i + k) % 5 === 0 ? 8 : 0;
    }
  }
  return out;
}

const keys: ChainKey[] = Array.from({ length: CHAINS }, (_, c) => ({
  controlUnitCode: 'BENCH',
  chain: `C${c}`,
}));

const results = new Map<string, { target: string; op: string; rows: number; seconds: number[] }>();

async function timed(target: string, op: string, rows: number, fn: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await fn();
  const seconds = (performance.now() - started) / 1000;
  const key = `${target}\u0000${op}`;
  const entry = results.get(key) ?? { target, op, rows, seconds: [] };
  entry.seconds.push(seconds);
  results.set(key, entry);
  process.stderr.write(`  ${target} ${op}: ${seconds.toFixed(3)} s (${Math.round(rows / seconds)} rows/s)\n`);
}

function summary(): void {
  for (const { target, op, rows, seconds } of results.values()) {
    const sorted = [...seconds].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const best = sorted[0]!;
    process.stdout.write(
      `${JSON.stringify({
        target,
        op,
        rows,
        runs: seconds.length,
        medianSeconds: Number(median.toFixed(3)),
        medianRowsPerSecond: Math.round(rows / median),
        bestRowsPerSecond: Math.round(rows / best),
      })}\n`,
    );
  }
}

async function measure(target: string, store: CatenaStore): Promise<void> {
  await store.migrate();
  const raw = rawRows();
  const total = raw.length * CHAINS;
  for (const pass of ['fresh', 'again']) {
    await timed(target, `writeRaw (${pass})`, total, async () => {
      await Promise.all(keys.map((key) => store.writeRaw(key, raw)));
    });
  }
  await timed(target, 'readRaw', total, async () => {
    await Promise.all(
      keys.map(async (key) => {
        let n = 0;
        for await (const chunk of store.readRaw({ ...key, from: null, to: null })) n += chunk.length;
        if (n !== raw.length) throw new Error(`read ${n} rows, expected ${raw.length}`);
      }),
    );
  });
  const perChunk = Math.max(1, Math.floor(WRITE_CHUNK_ROWS / NODES));
  const chunks: ElaboratedColumns[] = [];
  for (let i = 0; i < TIMESTAMPS; i += perChunk)
    chunks.push(elaboratedRows(i, Math.min(perChunk, TIMESTAMPS - i)));
  for (const pass of ['fresh', 'again']) {
    await timed(target, `writeChunk (${pass})`, total, async () => {
      await Promise.all(
        keys.map(async (key) => {
          const runId = await store.startRun({
            ...key,
            launchId: 'bench',
            mode: 'full',
            spanFrom: null,
            spanTo: null,
            host: 'bench',
          });
          for (const rows of chunks) {
            const first = rows.timestamp[0]!;
            const last = rows.timestamp[rows.length - 1]!;
            await store.writeChunk({
              ...key,
              runId,
              rows,
              eventsFrom: first,
              eventsTo: last,
              events: [
                {
                  metric: 'tilt_deg',
                  timestamp: first,
                  level: 1,
                  previousLevel: 0,
                  nodeIndex: 3,
                  value: 0.5,
                },
              ],
            });
          }
        }),
      );
    });
  }
}

async function mysqlFloor(url: string, rows: number): Promise<void> {
  const conn = await mysql.createConnection({ uri: url });
  try {
    await conn.query('CREATE TABLE floor_copy LIKE elaborated_rsn_data');
    await timed('mysql server floor', 'INSERT … SELECT elaborated (fresh)', rows, async () => {
      await conn.query('INSERT INTO floor_copy SELECT * FROM elaborated_rsn_data');
    });
    await timed('mysql server floor', 'REPLACE … SELECT elaborated (again)', rows, async () => {
      await conn.query('REPLACE INTO floor_copy SELECT * FROM elaborated_rsn_data');
    });
    await timed('mysql server floor', 'scan raw (SUM of 4 columns)', rows, async () => {
      await conn.query(
        "SELECT SUM(rawX + rawY + IFNULL(rawZ, 0) + rawT), COUNT(*) FROM raw_rsn_data WHERE controlUnitCode = 'BENCH'",
      );
    });
  } finally {
    await conn.end();
  }
}

async function sqliteRound(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'catena-bench-'));
  try {
    const sqlite = await openStore(`sqlite:${join(dir, 'bench.db')}`);
    try {
      await measure('sqlite', sqlite);
    } finally {
      await sqlite.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mysqlRound(method: 'load-data' | 'insert'): Promise<void> {
  const name = `catena_storebench_${randomBytes(3).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MARIADB_URL });
  await admin.query(`CREATE DATABASE \`${name}\``);
  const url = new URL(MARIADB_URL);
  url.pathname = `/${name}`;
  try {
    const store = await openStore(url.toString(), { bulkMethod: method });
    try {
      await measure(`mysql ${method}`, store);
    } finally {
      await store.close();
    }
    if (method === 'load-data') await mysqlFloor(url.toString(), TIMESTAMPS * NODES * CHAINS);
  } finally {
    await admin.query(`DROP DATABASE \`${name}\``);
    await admin.end();
  }
}

async function main(): Promise<void> {
  process.stderr.write(
    `store bench: ${CHAINS} chain(s) × ${NODES} nodes × ${TIMESTAMPS} timestamps, ${REPEAT} rounds\n`,
  );
  for (let round = 0; round < REPEAT; round++) {
    // alternate the order so that neither MySQL method always runs on a warmer server
    const methods: ('load-data' | 'insert')[] =
      round % 2 === 0 ? ['load-data', 'insert'] : ['insert', 'load-data'];
    await sqliteRound();
    for (const method of methods) await mysqlRound(method);
  }
  summary();
}

await main();
