/**
 * The headless service: the HTTP/WebSocket host on a database, as
 * `npm run serve` (src/server/main.ts) and `npx catena serve`
 * (src/cli/commands/serve.ts) both start it.
 *
 * - Configuration from the options, else the environment: CATENA_DB,
 *   CATENA_HOST, CATENA_PORT, CATENA_SCHEDULE, CATENA_API_TOKEN (and its
 *   name, CATENA_API_TOKEN_NAME), CATENA_API_READ_TOKEN, CATENA_ALLOWED_HOSTS.
 * - Off loopback (or with a read-only token) and without CATENA_API_TOKEN,
 *   the token is generated on the first start into the data folder (0600)
 *   and read from there on later starts; its path is logged, not the token.
 * - Logs are JSON lines (fastify's pino) on stdout: one per request, one per
 *   launch started and finished, one per scheduler decision. The URL to open
 *   is printed on stdout too (`Catena is serving on http://…/`), the human
 *   notes on stderr.
 * - SIGTERM / SIGINT: the scheduler stops, running launches are cancelled
 *   (at a batch boundary) and awaited so that their runs are recorded
 *   `cancelled`, then the server and the database close and the process
 *   exits 0.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chainLabel } from '../core/domain/chain.ts';
import { isCatenaError } from '../core/errors.ts';
import { createHostLog } from '../core/log.ts';
import { openCatenaService } from '../core/service/service.ts';
import type { CatenaService } from '../core/service/types.ts';
import { withDatabasePassword } from '../core/store/password.ts';
import { apiTokenPath, loadOrCreateApiToken, TokenFileProblem } from './api-token.ts';
import { buildServer, serverOptionsProblem } from './app.ts';
import { isLoopbackAddress } from './doors.ts';
import { cronProblem, Scheduler } from './scheduler.ts';

/** A configuration this host cannot serve, said in one sentence (exit 2). */
export class ServeRefusal extends Error {}

export interface ServeFlags {
  db?: string;
  host?: string;
  port?: string | number;
  schedule?: string;
  staticDir?: string;
}

export interface ServeConfig {
  db: string | undefined;
  listenHost: string;
  port: number;
  schedule: string | null;
  staticDir: string;
  apiToken: string | null;
  /** CATENA_API_READ_TOKEN: reads, never launches, cancels or changes */
  readToken: string | null;
  /** where the API token was read from or generated into; null when it came from CATENA_API_TOKEN or there is none */
  tokenFile: { path: string; created: boolean } | null;
  /** CATENA_API_TOKEN_NAME: recorded as "by" of acknowledgements made with the token */
  apiTokenName: string | null;
  allowedHosts: string[];
}

/** The flags, else the environment, else the defaults; ServeRefusal when they cannot be served. */
export function resolveServeConfig(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  // The password may come from CATENA_DB_PASSWORD(_FILE) rather than the URL (never on a command line).
  const given = flags.db ?? (env.CATENA_DB || undefined);
  const db = given === undefined ? undefined : withDatabasePassword(given, env);
  const portText = String(flags.port ?? (env.CATENA_PORT || 8765));
  const port = Number(portText);
  if (!/^\d+$/.test(portText.trim()) || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new ServeRefusal(`--port must be a port number (0-65535), not "${portText}"`);
  const listenHost = flags.host ?? (env.CATENA_HOST || '127.0.0.1');
  const schedule = (flags.schedule ?? env.CATENA_SCHEDULE ?? '').trim() || null;
  if (schedule !== null) {
    const problem = cronProblem(schedule);
    if (problem) throw new ServeRefusal(problem);
  }
  const staticDir = flags.staticDir ?? fileURLToPath(new URL('../../out/renderer', import.meta.url));
  const readToken = env.CATENA_API_READ_TOKEN || null;
  let apiToken = env.CATENA_API_TOKEN || null;
  let tokenFile: ServeConfig['tokenFile'] = null;
  if (apiToken === null && (!isLoopbackAddress(listenHost) || readToken !== null)) {
    // a token is needed and none is given: the one in the data folder, generated on the first start
    try {
      const stored = loadOrCreateApiToken(apiTokenPath(env));
      apiToken = stored.token;
      tokenFile = { path: stored.path, created: stored.created };
    } catch (error) {
      if (error instanceof TokenFileProblem) throw new ServeRefusal(error.message);
      throw error;
    }
  }
  const allowedHosts = (env.CATENA_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const problem = serverOptionsProblem({ listenHost, apiToken, readToken });
  if (problem) throw new ServeRefusal(problem);
  const apiTokenName = env.CATENA_API_TOKEN_NAME?.trim() || null;
  return {
    db,
    listenHost,
    port,
    schedule,
    staticDir,
    apiToken,
    apiTokenName,
    readToken,
    tokenFile,
    allowedHosts,
  };
}

export interface RunningServer {
  app: FastifyInstance;
  service: CatenaService;
  scheduler: Scheduler | null;
  url: string;
  /** cancels the running launches, waits for them to be recorded, closes everything */
  shutdown(reason: string): Promise<void>;
}

/** How long a shutdown waits for cancelled launches to be recorded before closing anyway. */
const CANCEL_WAIT_MS = 20_000;

/** Cancels every running launch and waits (bounded) until each has ended and been recorded. */
export async function cancelRunning(service: CatenaService, waitMs = CANCEL_WAIT_MS): Promise<string[]> {
  const ids = service.runningLaunches();
  const done = ids.map((id) => service.whenDone(id).catch(() => undefined));
  for (const id of ids) service.cancel(id);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), waitMs);
  });
  const outcome = await Promise.race([Promise.all(done), timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') throw new Error(`launches still running after ${waitMs} ms: ${ids.join(', ')}`);
  return ids;
}

/**
 * Opens the database, builds the host, starts the scheduler and listens.
 * `signals`: SIGTERM and SIGINT shut down and exit (0 when clean).
 */
export async function startServer(
  config: ServeConfig,
  options: { signals?: boolean } = {},
): Promise<RunningServer> {
  const log = createHostLog('server');
  const version = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;

  let service: CatenaService;
  try {
    service = await openCatenaService({
      db: config.db,
      ensureDemo: config.db === undefined,
      host: hostname(),
      // the connection manager, for a browser on this machine only (no secret box: passwords are not stored)
      ...(isLoopbackAddress(config.listenHost) ? { connections: { secrets: null } } : {}),
      onNotifyWarning: (warning) =>
        process.stderr.write(`${new Date().toISOString()} WARN notify: ${warning}\n`),
    });
  } catch (error) {
    if (isCatenaError(error)) throw new ServeRefusal(error.message);
    throw new ServeRefusal(
      `unexpected error opening the database, see log file ${log.unexpected(error, 'opening the database')}`,
    );
  }

  const opened = service.info();
  if (opened.readOnly && config.schedule !== null) {
    await service.close();
    throw new ServeRefusal(
      `${opened.location} is an offline snapshot (read-only): nothing can be elaborated on it, so it cannot have a schedule; drop --schedule, or serve the monitoring database`,
    );
  }
  let scheduler: Scheduler | null = null;
  const app = await buildServer({
    service,
    staticDir: config.staticDir,
    logUnexpected: log.unexpected,
    listenHost: config.listenHost,
    allowedHosts: config.allowedHosts,
    apiToken: config.apiToken,
    readToken: config.readToken,
    apiTokenName: config.apiTokenName,
    version,
    logLevel: 'info',
    requestLog: true,
    schedule:
      config.schedule === null
        ? null
        : (host, logger) => {
            scheduler = new Scheduler({ host, cron: config.schedule!, log: logger });
            return scheduler;
          },
  });
  if (config.tokenFile !== null) {
    app.log.info(
      { event: 'api-token', file: config.tokenFile.path, created: config.tokenFile.created },
      config.tokenFile.created ? 'API token generated' : 'API token read',
    );
  }
  const offLaunchLog = service.onEvent((event) => {
    if (event.type === 'launch-started') {
      app.log.info(
        {
          event: 'launch-started',
          launchId: event.launchId,
          mode: event.mode,
          chains: event.chains.map(chainLabel),
        },
        'launch started',
      );
    } else if (event.type === 'launch-finished') {
      const count = (status: string) => event.results.filter((r) => r.status === status).length;
      app.log.info(
        {
          event: 'launch-finished',
          launchId: event.launchId,
          durationMs: event.durationMs,
          succeeded: count('succeeded'),
          failed: count('failed'),
          cancelled: count('cancelled'),
          rowsWritten: event.results.reduce((sum, r) => sum + r.rowsWritten, 0),
          chains: event.results.map((r) => ({
            chain: chainLabel(r),
            status: r.status,
            runId: r.runId,
            rowsWritten: r.rowsWritten,
            ...(r.message ? { message: r.message } : {}),
          })),
        },
        'launch finished',
      );
    }
  });

  let closing: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    closing ??= (async () => {
      app.log.info({ event: 'shutdown', reason }, 'closing');
      (scheduler as Scheduler | null)?.stop();
      try {
        const cancelled = await cancelRunning(service);
        if (cancelled.length > 0)
          app.log.info({ event: 'launches-cancelled', launchIds: cancelled }, 'launches cancelled');
      } catch (error) {
        app.log.error({ event: 'shutdown', err: error }, 'cancelled launches did not end');
        process.exitCode = 1;
      }
      try {
        offLaunchLog();
        await app.close();
        await service.close();
      } catch (error) {
        log.unexpected(error, 'closing');
        process.exitCode = 1;
      }
    })();
    return closing;
  };

  try {
    await app.listen({ port: config.port, host: config.listenHost });
  } catch (error) {
    offLaunchLog();
    await app.close().catch(() => undefined);
    await service.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new ServeRefusal(
        `port ${config.port} on ${config.listenHost} is in use: choose another with --port`,
      );
    throw new ServeRefusal(
      `cannot listen on ${config.listenHost}:${config.port}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  (scheduler as Scheduler | null)?.start();

  if (options.signals) {
    const onSignal = (signal: NodeJS.Signals) => {
      const force = setTimeout(() => {
        process.stderr.write('catena serve: still closing after 30 s, exiting\n');
        process.exit(1);
      }, 30_000);
      force.unref();
      void shutdown(signal).then(() => {
        // exits even if a client keeps a socket or a timer is left
        process.exit(process.exitCode ?? 0);
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  const address = app.server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : config.port;
  const shownHost = config.listenHost.includes(':') ? `[${config.listenHost}]` : config.listenHost;
  const url = `http://${shownHost}:${actualPort}/`;
  const info = service.info();
  process.stderr.write(`catena serve: ${info.kind} ${info.location}\n`);
  process.stderr.write(
    config.apiToken === null
      ? 'catena serve: no API token (loopback only)\n'
      : config.tokenFile === null
        ? 'catena serve: the API needs its token (CATENA_API_TOKEN); a browser asks for it once\n'
        : `catena serve: the API needs its token, ${config.tokenFile.created ? 'generated into' : 'read from'} ` +
          `${config.tokenFile.path} (set CATENA_API_TOKEN to choose it); a browser asks for it once\n`,
  );
  if (config.readToken !== null)
    process.stderr.write(
      'catena serve: the read-only token (CATENA_API_READ_TOKEN) reads but cannot launch\n',
    );
  const active = scheduler as Scheduler | null;
  if (active) {
    const next = active.view().nextRun;
    process.stderr.write(
      `catena serve: incremental launch of all active chains on "${config.schedule}"` +
        `${next === null ? '' : `, next at ${new Date(next * 1000).toISOString()}`}\n`,
    );
  }
  process.stdout.write(`Catena is serving on ${url}\n`);
  process.stderr.write(`catena serve: API documentation at ${url}api/docs\n`);
  return { app, service, scheduler: active, url, shutdown };
}
