/**
 * `npm run bench:service [-- --db sqlite|mysql] [--days N] [--clients N] [--rps N] [--nice N] [--read-connection on|off]`: the service under
 * load, on loopback only, bounded (every wait has a timeout; the whole run is
 * stopped after 10 minutes).
 *
 * The benchmark workload (scripts/bench/workload.ts: 10 chains × 50 nodes at
 * 10-minute sampling, 7 days by default) in a scratch SQLite file (or a
 * scratch MariaDB database), served by the HTTP host as `catena serve` builds
 * it. A full launch of the 10 chains is timed:
 *
 * 1. with no client (the baseline);
 * 2. with 200 WebSocket clients on `/api/v1/stream`, each subscribed to
 *    `launches` (progress) and `live` values of the 10 chains;
 * 3. the same, while REST requests hit the API at 50 per second (GET
 *    chains, status, latest, runs, the launch: 10/s each);
 * 4. with no client again (a second baseline: the machine's drift).
 *
 * The clients and the REST load run in a child process (`--nice N` lowers
 * its priority): they stand for other machines, so they must not share the
 * server's event loop; on one machine they still take CPU from the engine.
 * Besides wall times, the server process's CPU seconds per launch are
 * printed: what serving the clients cost the server, whatever else the
 * machine runs (its load average is printed too). It checks that every client received the `chain-finished` event
 * of every chain, prints REST p50/p99 latency, and the loaded launch's wall
 * time against the mean baseline (target: within 1.3×). Prints one JSON
 * document on stdout, a summary on stderr; exits 1 when a client missed an
 * event. `--read-connection off` keeps every read on the engine's SQLite
 * connection (as before src/server/read-side.ts), to compare the two.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { chainKeys, installWorkload, WORKLOAD_30_DAYS, type WorkloadShape } from './bench/workload.ts';

const BENCH_TIMEOUT_MS = 10 * 60_000;
const STEP_TIMEOUT_MS = 5 * 60_000;

interface ClientReport {
  clients: number;
  connected: number;
  /** per launch, per client: the chain-finished events of the launch it received */
  chainFinished: Record<string, number[]>;
  /** per launch: the clients that received its launch-finished */
  launchFinished: Record<string, number>;
  liveMessages: number;
  progressMessages: number;
  /** CPU seconds the clients' process used (user + system) */
  cpuSeconds: number;
  rest: { requests: number; errors: number; p50: number; p99: number; max: number; perSecond: number };
  /** per route: requests, p50, p99 (ms) */
  routes: Record<string, { requests: number; p50: number; p99: number }>;
}

type ToClients =
  | { type: 'start'; url: string; chains: string[]; clients: number; rps: number }
  | { type: 'launch'; launchId: string }
  | { type: 'rest' }
  | { type: 'stop' };
type FromClients =
  | { type: 'ready' }
  | { type: 'report'; report: ClientReport }
  | { type: 'failed'; message: string };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ---------------------------------------------------------------- the clients' process

async function runClients(): Promise<void> {
  const send = (message: FromClients) => process.send?.(message);
  const start = await new Promise<Extract<ToClients, { type: 'start' }>>((resolve) =>
    process.once('message', (m: ToClients) => m.type === 'start' && resolve(m)),
  );
  const base = start.url;
  const ws = base.replace(/^http/, 'ws');
  let launchId: string | null = null;
  const launches: string[] = [];
  const chainFinished: Map<string, Set<string>>[] = [];
  const launchFinished = new Map<string, number>();
  let liveMessages = 0;
  let progressMessages = 0;
  const sockets: WebSocket[] = [];

  // 200 sockets, subscribed to progress and to the live values of every chain
  await Promise.all(
    Array.from({ length: start.clients }, async (_, i) => {
      const socket = new WebSocket(`${ws}api/v1/stream`);
      sockets.push(socket);
      const seen = new Map<string, Set<string>>();
      chainFinished[i] = seen;
      let subscribed = 0;
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.on('message', (data) => {
            const text = String(data);
            // the many messages are counted without parsing them (the clients' CPU is the machine's)
            if (text.startsWith('{"type":"chain-progress"')) {
              progressMessages++;
              return;
            }
            if (text.startsWith('{"type":"live"')) {
              liveMessages++;
              return;
            }
            const message = JSON.parse(text) as {
              type: string;
              launchId?: string;
              result?: { controlUnitCode: string; chain: string };
            };
            if (message.type === 'subscribed') {
              subscribed++;
              if (subscribed === 2) resolve();
            } else if (message.type === 'live') liveMessages++;
            else if (message.type === 'chain-progress') progressMessages++;
            else if (message.type === 'chain-finished' && message.launchId && message.result) {
              const set = seen.get(message.launchId) ?? new Set<string>();
              set.add(`${message.result.controlUnitCode}-${message.result.chain}`);
              seen.set(message.launchId, set);
            } else if (message.type === 'launch-finished' && message.launchId)
              launchFinished.set(message.launchId, (launchFinished.get(message.launchId) ?? 0) + 1);
          });
          socket.once('open', () => {
            socket.send(JSON.stringify({ subscribe: 'launches' }));
            socket.send(JSON.stringify({ subscribe: 'live', chains: start.chains }));
          });
        }),
        30_000,
        `client ${i} subscribing`,
      );
    }),
  );

  // REST at `rps` per second, open loop: a slow answer does not slow the rate
  const latencies: number[] = [];
  const byRoute = new Map<string, number[]>();
  let errors = 0;
  let requests = 0;
  const ROUTES = [
    'GET /api/v1/chains',
    'GET /status/{unit}/{chain}',
    'GET /api/v1/chains/{unit}/{chain}/latest',
    'GET /api/v1/runs',
    'GET /api/v1/launches/{id}',
  ];
  const paths = (n: number): string => {
    const [unit, chain] = start.chains[n % start.chains.length]!.split(':') as [string, string];
    switch (n % 5) {
      case 0:
        return '/api/v1/chains';
      case 1:
        return `/status/${unit}/${chain}`;
      case 2:
        return `/api/v1/chains/${unit}/${chain}/latest`;
      case 3:
        return `/api/v1/runs?unit=${unit}&chain=${chain}&limit=20`;
      default:
        return launchId ? `/api/v1/launches/${launchId}` : '/api/v1/schedule';
    }
  };
  const inflight = new Set<Promise<void>>();
  const fire = (n: number) => {
    requests++;
    const t0 = performance.now();
    const p = fetch(new URL(paths(n), base), { signal: AbortSignal.timeout(10_000) })
      .then(async (response) => {
        await response.arrayBuffer();
        if (!response.ok) errors++;
        const ms = performance.now() - t0;
        latencies.push(ms);
        const route = ROUTES[n % 5]!;
        const list = byRoute.get(route) ?? [];
        list.push(ms);
        byRoute.set(route, list);
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  let restStarted = 0;
  let timer: NodeJS.Timeout | undefined;
  process.on('message', async (m: ToClients) => {
    if (m.type === 'launch') {
      launchId = m.launchId;
      launches.push(m.launchId);
    } else if (m.type === 'rest') {
      startRest();
    } else if (m.type === 'stop') {
      clearInterval(timer);
      await withTimeout(Promise.all(inflight), 15_000, 'REST requests in flight').catch(() => undefined);
      const seconds = restStarted === 0 ? Number.NaN : (performance.now() - restStarted) / 1000;
      for (const s of sockets) s.terminate();
      const sorted = [...latencies].sort((a, b) => a - b);
      send({
        type: 'report',
        report: {
          clients: start.clients,
          connected: sockets.length,
          chainFinished: Object.fromEntries(
            launches.map((id) => [id, chainFinished.map((seen) => seen.get(id)?.size ?? 0)]),
          ),
          launchFinished: Object.fromEntries(launches.map((id) => [id, launchFinished.get(id) ?? 0])),
          liveMessages,
          progressMessages,
          cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
          rest: {
            requests,
            errors,
            p50: percentile(sorted, 50),
            p99: percentile(sorted, 99),
            max: sorted[sorted.length - 1] ?? Number.NaN,
            perSecond: requests / seconds,
          },
          routes: Object.fromEntries(
            [...byRoute].map(([route, list]) => {
              const s = [...list].sort((a, b) => a - b);
              return [route, { requests: s.length, p50: percentile(s, 50), p99: percentile(s, 99) }];
            }),
          ),
        },
      });
      process.exit(0);
    }
  });
  let n = 0;
  function startRest(): void {
    restStarted = performance.now();
    // `rps` per second on average: each tick fires what the elapsed time owes (timers are coarse under load)
    timer = setInterval(() => {
      const owed = Math.floor(((performance.now() - restStarted) / 1000) * start.rps);
      while (n < owed) fire(n++);
    }, 50);
  }
  send({ type: 'ready' });
}

// ---------------------------------------------------------------- the server's process

async function runBench(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'sqlite' },
      days: { type: 'string', default: '7' },
      clients: { type: 'string', default: '200' },
      rps: { type: 'string', default: '50' },
      nice: { type: 'string', default: '0' },
      'read-connection': { type: 'string', default: 'on' },
    },
  });
  const readConnection = values['read-connection'] !== 'off';
  const shape: WorkloadShape = { ...WORKLOAD_30_DAYS, days: Number(values.days) };
  const clients = Number(values.clients);
  const rps = Number(values.rps);
  if (!(shape.days > 0 && clients > 0 && rps > 0))
    throw new Error('--days, --clients and --rps must be positive');

  const { openStore } = await import('../src/core/store/open.ts');
  const { openCatenaService } = await import('../src/core/service/service.ts');
  const { buildServer } = await import('../src/server/app.ts');

  let url: string;
  let drop: () => Promise<void>;
  if (values.db === 'mysql') {
    const { createTestDatabase } = await import('../tests/support/mariadb.ts');
    const scratch = await createTestDatabase('catena_bench_service');
    url = scratch.url;
    drop = scratch.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'catena-bench-service-'));
    url = `sqlite:${join(dir, 'bench.db')}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  const log = (line: string) => process.stderr.write(`bench:service ${line}\n`);
  let child: ChildProcess | null = null;
  try {
    const t0 = performance.now();
    const setup = await openStore(url, { migrate: true });
    const rawRows = await installWorkload(setup, shape);
    await setup.close();
    log(
      `workload: ${shape.chains} chains × ${shape.nodes} nodes × ${shape.days} days = ${rawRows} raw rows (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );

    const service = await openCatenaService({ db: url, host: 'bench-service' });
    const app = await buildServer({ service, staticDir: null, logLevel: 'silent', readConnection });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    const base = `http://127.0.0.1:${address.port}/`;
    const keys = chainKeys(shape);
    const chains = keys.map((k) => `${k.controlUnitCode}:${k.chain}`);

    /** A full launch of the 10 chains over HTTP; its wall time from the engine's launch-finished. */
    const launch = async (onStarted?: (launchId: string) => void) => {
      const cpu0 = process.cpuUsage();
      const response = await fetch(new URL('api/v1/launches', base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chains: keys, mode: 'full' }),
        signal: AbortSignal.timeout(30_000),
      });
      if (response.status !== 202) throw new Error(`launch: ${response.status} ${await response.text()}`);
      const { launchId } = (await response.json()) as { launchId: string };
      onStarted?.(launchId);
      const finished = await withTimeout(
        new Promise<{ durationMs: number; failed: number; rows: number }>((resolve) => {
          const off = service.onEvent((event) => {
            if (event.type === 'launch-finished' && event.launchId === launchId) {
              off();
              resolve({
                durationMs: event.durationMs,
                failed: event.results.filter((r) => r.status !== 'succeeded').length,
                rows: event.results.reduce((s, r) => s + r.rowsWritten, 0),
              });
            }
          });
        }),
        STEP_TIMEOUT_MS,
        'the launch',
      );
      if (finished.failed > 0) throw new Error(`${finished.failed} chain(s) of the launch did not succeed`);
      const cpu = process.cpuUsage(cpu0);
      // the server process's CPU during the launch: what serving the clients cost, whatever else runs on the machine
      return { launchId, ...finished, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    };

    const before = await launch();
    log(`baseline (no client): ${(before.durationMs / 1000).toFixed(2)} s, ${before.rows} rows`);

    const proc = fork(import.meta.filename, ['--role=clients'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = proc;
    // --nice: the clients' process takes less of the CPU the engine needs (they stand for other machines)
    if (proc.pid !== undefined && Number(values.nice) !== 0) {
      try {
        setPriority(proc.pid, Number(values.nice));
      } catch {
        log("could not lower the priority of the clients' process: they compete with the server for the CPU");
      }
    }
    const next = (type: FromClients['type']) =>
      withTimeout(
        new Promise<FromClients>((resolve, reject) => {
          const onMessage = (m: FromClients) => {
            if (m.type === 'failed') reject(new Error(m.message));
            else if (m.type === type) {
              proc.off('message', onMessage);
              resolve(m);
            }
          };
          proc.on('message', onMessage);
          proc.once('exit', (code) => code !== 0 && reject(new Error(`the clients' process exited ${code}`)));
        }),
        STEP_TIMEOUT_MS,
        `the clients (${type})`,
      );
    const ready = next('ready');
    proc.send({ type: 'start', url: base, chains, clients, rps } satisfies ToClients);
    await ready;
    log(`${clients} WebSocket clients subscribed (launches + live values of ${chains.length} chains)`);
    const tell = (launchId: string) => proc.send({ type: 'launch', launchId } satisfies ToClients);
    const socketsOnly = await launch(tell);
    log(`with ${clients} clients, no REST: ${(socketsOnly.durationMs / 1000).toFixed(2)} s`);
    proc.send({ type: 'rest' } satisfies ToClients);
    // a second of REST load alone before the launch
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const loaded = await launch(tell);
    log(`with ${clients} clients and REST at ${rps}/s: ${(loaded.durationMs / 1000).toFixed(2)} s`);
    // the last events and live values reach the clients
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const reported = next('report');
    proc.send({ type: 'stop' } satisfies ToClients);
    const { report } = (await reported) as Extract<FromClients, { type: 'report' }>;

    const after = await launch();
    log(`baseline again (no client): ${(after.durationMs / 1000).toFixed(2)} s`);

    await app.close();
    await service.close();

    const baselineMs = (before.durationMs + after.durationMs) / 2;
    const ratio = loaded.durationMs / baselineMs;
    const ratioSockets = socketsOnly.durationMs / baselineMs;
    const missingOf = (launchId: string) =>
      (report.chainFinished[launchId] ?? []).filter((n) => n !== chains.length).length +
      (clients - (report.chainFinished[launchId]?.length ?? 0));
    const missing = missingOf(socketsOnly.launchId) + missingOf(loaded.launchId);
    const result = {
      database: values.db,
      readConnection,
      workload: { ...shape, rawRows },
      clients: report.clients,
      restRate: rps,
      launchSeconds: {
        baselineBefore: before.durationMs / 1000,
        withClientsOnly: socketsOnly.durationMs / 1000,
        withClientsAndRest: loaded.durationMs / 1000,
        baselineAfter: after.durationMs / 1000,
        ratioClientsOnly: Math.round(ratioSockets * 1000) / 1000,
        ratio: Math.round(ratio * 1000) / 1000,
        target: 1.3,
        withinTarget: ratio <= 1.3,
      },
      events: {
        everyClientGotEveryChainFinished: missing === 0,
        clientsMissingChainFinished: missing,
        clientsWithLaunchFinished: [
          report.launchFinished[socketsOnly.launchId] ?? 0,
          report.launchFinished[loaded.launchId] ?? 0,
        ],
        progressMessages: report.progressMessages,
        liveMessages: report.liveMessages,
        liveMessagesPerClient: Math.round((report.liveMessages / report.clients) * 10) / 10,
      },
      clientsProcess: { nice: Number(values.nice), cpuSeconds: Math.round(report.cpuSeconds * 10) / 10 },
      serverCpuSecondsPerLaunch: {
        baselineBefore: round1(before.cpuSeconds),
        withClientsOnly: round1(socketsOnly.cpuSeconds),
        withClientsAndRest: round1(loaded.cpuSeconds),
        baselineAfter: round1(after.cpuSeconds),
      },
      machine: { cpus: cpus().length, loadAverage1m: round1(loadavg()[0]!) },
      rest: {
        requests: report.rest.requests,
        errors: report.rest.errors,
        perSecond: Math.round(report.rest.perSecond * 10) / 10,
        p50Ms: Math.round(report.rest.p50 * 10) / 10,
        p99Ms: Math.round(report.rest.p99 * 10) / 10,
        maxMs: Math.round(report.rest.max * 10) / 10,
        routes: Object.fromEntries(
          Object.entries(report.routes).map(([route, r]) => [
            route,
            { requests: r.requests, p50Ms: Math.round(r.p50 * 10) / 10, p99Ms: Math.round(r.p99 * 10) / 10 },
          ]),
        ),
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    log(
      `every client got every chain-finished: ${missing === 0 ? 'yes' : `NO (${missing} clients missed some)`}; ` +
        `REST p50 ${result.rest.p50Ms} ms, p99 ${result.rest.p99Ms} ms (${result.rest.requests} requests, ${result.rest.errors} errors); ` +
        `launch ${(baselineMs / 1000).toFixed(2)} s without clients, ${(socketsOnly.durationMs / 1000).toFixed(2)} s with the ` +
        `clients (${ratioSockets.toFixed(2)}×), ${(loaded.durationMs / 1000).toFixed(2)} s with the clients and REST ` +
        `(${ratio.toFixed(2)}×; target 1.3×: ${ratio <= 1.3 ? 'met' : 'NOT met'})`,
    );
    if (missing > 0 || report.rest.errors > 0) process.exitCode = 1;
  } finally {
    if (child !== null && child.exitCode === null) child.kill();
    await drop();
  }
}

const role = process.argv.find((a) => a.startsWith('--role='));
if (role === '--role=clients') {
  await runClients().catch((error: unknown) => {
    process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  });
} else {
  const guard = setTimeout(() => {
    process.stderr.write(
      `bench:service: still running after ${BENCH_TIMEOUT_MS / 60_000} minutes, stopped\n`,
    );
    process.exit(1);
  }, BENCH_TIMEOUT_MS);
  guard.unref();
  await runBench();
}
