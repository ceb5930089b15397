/**
 * The application service every host uses: one store, one engine. Hosts
 * validate their inputs, call these methods and forward the events; nothing
 * of the domain lives in a host.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { installDemoSite } from '../demo/install.ts';
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { ChainSetup } from '../domain/configuration.ts';
import { buildChainModel } from '../elaboration/config.ts';
import { Engine } from '../engine/engine.ts';
import type { EngineEvent, LaunchFinishedEvent, LaunchRequest } from '../engine/events.ts';
import { configFingerprint } from '../engine/fingerprint.ts';
import { pendingRewrite } from '../engine/span.ts';
import { CatenaError } from '../errors.ts';
import {
  channelsFromEnv,
  DeliveryError,
  emailChannel,
  maskedSmtpUrl,
  parseLang,
  readSmtpSetting,
  writeSmtpSetting,
} from '../notify/index.ts';
import { Notifier } from '../notify/notifier.ts';
import { defaultDemoDbPath } from '../paths.ts';
import { openStore } from '../store/open.ts';
import type { ChainSummary, Store } from '../store/port.ts';
import { parseProfile } from '../store/profile.ts';
import { StaleWatch } from './stale-watch.ts';
import type {
  Acknowledged,
  AcknowledgeRequest,
  CatenaService,
  ChainNodes,
  ChainOverview,
  ServiceOptions,
  SmtpView,
} from './types.ts';

export function defaultDatabaseUrl(): string {
  return `sqlite:${defaultDemoDbPath()}`;
}

/** Opens the database (creating the demo site on first use of the default one) and the engine. */
export async function openCatenaService(options: ServiceOptions = {}): Promise<CatenaService> {
  const url = options.db ?? defaultDatabaseUrl();
  const demoPath = defaultDemoDbPath();
  if (options.ensureDemo === true && url === `sqlite:${demoPath}` && !existsSync(demoPath)) {
    await createDemoDatabase(demoPath, options.sqliteWorkerUrl);
  }
  const store = await openStore(parseProfile(url), {
    sqliteWorkerUrl: options.sqliteWorkerUrl,
    requireSchema: options.requireSchema === true,
  });
  try {
    if (options.requireSchema !== true) await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  const engine = new Engine({
    store,
    workerUrl: options.workerUrl,
    concurrency: options.concurrency,
    host: options.host ?? hostname(),
    onUnexpected: options.onUnexpected,
  });
  const env = options.env ?? process.env;
  const notifier = new Notifier({
    store,
    channels: channelsFromEnv(env, options.onNotifyWarning),
    consoleUrl: env.CATENA_CONSOLE_URL || null,
    lang: parseLang(env.CATENA_LANG),
    log: options.onNotifyWarning,
    // long-running hosts pick up what a process that died left unsent, not only at start
    resumeEverySeconds: 60,
  });
  const everyMinutes =
    options.staleCheckMinutes ?? (Number(env.CATENA_STALE_CHECK_MINUTES) || DEFAULT_STALE_CHECK_MINUTES);
  const service = createService(store, engine, notifier, {
    staleCheckMinutes: everyMinutes,
    onWarning: options.onNotifyWarning,
    env,
  });
  // What a process that died left claimed but unsent is sent now (in the background; settle() waits for it).
  if (options.resumeNotifications !== false) {
    notifier
      .resume()
      .catch((error: unknown) => options.onNotifyWarning?.(`resuming notifications: ${String(error)}`));
  }
  return service;
}

/**
 * Builds the demo site in a side file and renames it into place when it is
 * complete, so an interrupted first start never leaves a half-made demo
 * database that later starts would take for a finished one.
 */
async function createDemoDatabase(path: string, sqliteWorkerUrl: URL | undefined): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(leftover, { force: true });
  const store = await openStore(parseProfile(`sqlite:${partial}`), { sqliteWorkerUrl });
  try {
    await installDemoSite(store);
  } finally {
    await store.close();
  }
  renameSync(partial, path);
}

/** How often the service checks for chains whose data stopped (CATENA_STALE_CHECK_MINUTES). */
export const DEFAULT_STALE_CHECK_MINUTES = 5;

export function createService(
  store: Store,
  engine: Engine,
  notifier?: Notifier,
  options: {
    staleCheckMinutes?: number;
    onWarning?: (message: string) => void;
    /** where the SMTP setting is kept (CATENA_HOME) and whether CATENA_SMTP_URL overrides it */
    env?: Record<string, string | undefined>;
  } = {},
): CatenaService {
  const env = options.env ?? process.env;
  const launches = new Map<string, Promise<LaunchFinishedEvent>>();
  // Stale data is notified on a timer, not only when a launch runs (desktop and service alike).
  const staleWatch = notifier
    ? new StaleWatch({
        store,
        notifier,
        chains: () => chainOverviews(store),
        everyMs: Math.max(0, (options.staleCheckMinutes ?? 0) * 60_000),
        log: options.onWarning,
      })
    : null;
  staleWatch?.start();
  // The alarm seam: every launch of this service notifies, whichever host started it.
  const offNotifier = notifier ? engine.onEvent(notifier.handle) : () => {};
  return {
    info: () => store.info,
    listChains: () => chainOverviews(store),
    launch: async (request: LaunchRequest) => {
      const launch = await engine.launch(request);
      launches.set(launch.launchId, launch.done);
      // Results also arrive as events and in catena_runs; the promise is kept for whenDone.
      launch.done.catch(() => {}).finally(() => launches.delete(launch.launchId));
      return { launchId: launch.launchId, chains: launch.chains };
    },
    whenDone: (launchId: string) => {
      const done = launches.get(launchId);
      if (!done) {
        return Promise.reject(
          new CatenaError(
            'LAUNCH_NOT_FOUND',
            `launch ${launchId} is not running here (it ended, or never started)`,
          ),
        );
      }
      return done;
    },
    runningLaunches: () => engine.runningLaunches,
    cancel: (launchId: string, chain?: ChainKey) => engine.cancel(launchId, chain),
    listRuns: (filter) => store.listRuns(filter),
    series: (query) =>
      store.readElaborated({
        ...query.key,
        nodeIndex: query.nodeIndex,
        from: query.from ?? null,
        to: query.to ?? null,
        limit: query.limit,
      }),
    chainNodes: (key) => chainNodes(store, key),
    quality: (query) => store.flagCounts({ key: query.key, from: query.from ?? null, to: query.to ?? null }),
    events: (filter) => store.listEvents(filter),
    acknowledgeEvents: (request) => acknowledgeEvents(store, request),
    onEvent: (listener: (event: EngineEvent) => void) => engine.onEvent(listener),
    notifications: {
      rules: () => store.listNotifyRules(),
      addRule: (rule) => store.addNotifyRule(rule),
      removeRule: (id) => store.removeNotifyRule(id),
      test: async (id) => {
        const rule = (await store.listNotifyRules()).find((r) => r.id === id);
        if (!rule)
          throw new CatenaError(
            'RULE_NOT_FOUND',
            `there is no notification rule ${id}; see catena notify list`,
          );
        if (!notifier) throw new CatenaError('DATA_INVALID', 'notifications are not enabled in this process');
        try {
          await notifier.test(rule);
        } catch (error) {
          if (!(error instanceof DeliveryError)) throw error;
          throw new CatenaError(
            'NOTIFY_FAILED',
            `the test message was not delivered: ${error.message}`,
            {},
            {
              cause: error,
            },
          );
        }
      },
      channels: () => notifier?.channels ?? [],
      smtp: () => smtpView(env),
      setSmtp: async (setting) => {
        if (env.CATENA_SMTP_URL) {
          throw new CatenaError(
            'DATA_INVALID',
            'the SMTP server comes from CATENA_SMTP_URL on this host; change it there (or unset it to set it here)',
          );
        }
        const url = setting.url?.trim() || null;
        const saved = url === null ? null : { url, from: setting.from?.trim() || null };
        writeSmtpSetting(env, saved);
        notifier?.setChannel(
          'email',
          saved ? emailChannel({ smtpUrl: saved.url, from: saved.from ?? undefined }) : null,
        );
        return smtpView(env);
      },
      deliveries: (filter) => store.listDeliveries(filter),
      checkStale: () =>
        staleWatch ? staleWatch.check() : Promise.resolve({ started: [], ended: [], claimed: 0 }),
      staleEpisodes: (filter) => store.listStaleEpisodes(filter),
      settle: async (timeoutMs) =>
        notifier ? notifier.idle(timeoutMs) : { claimed: 0, sent: 0, failed: 0, pending: 0 },
    },
    close: async () => {
      await staleWatch?.stop();
      await engine.close();
      offNotifier();
      // Deliveries still sending get a moment; the rest stay claimed and the next process resumes them.
      await notifier?.close(2_000);
      await store.close();
    },
  };
}

/** The SMTP server this host sends e-mail through, without its password. */
function smtpView(env: Record<string, string | undefined>): SmtpView {
  if (env.CATENA_SMTP_URL) {
    return {
      source: 'environment',
      url: maskedSmtpUrl(env.CATENA_SMTP_URL),
      from: env.CATENA_SMTP_FROM || null,
    };
  }
  const setting = readSmtpSetting(env);
  return setting
    ? { source: 'setting', url: maskedSmtpUrl(setting.url), from: setting.from }
    : { source: null, url: null, from: null };
}

/** Chains read a few at a time: each overview is a handful of small queries. */
const OVERVIEW_LANES = 4;

async function chainOverviews(store: Store): Promise<ChainOverview[]> {
  const chains = await store.listChains();
  // Staleness on the database's clock, which every workstation shares.
  const now = await store.databaseNow();
  const out: ChainOverview[] = new Array(chains.length);
  let next = 0;
  const lane = async () => {
    while (next < chains.length) {
      const index = next++;
      out[index] = await chainOverview(store, chains[index]!, now);
    }
  };
  await Promise.all(Array.from({ length: Math.min(OVERVIEW_LANES, chains.length) }, lane));
  return out;
}

async function chainOverview(store: Store, summary: ChainSummary, now: number): Promise<ChainOverview> {
  const history = await store.chainHistory(summary);
  const pending = pendingRewrite(history);
  const pendingRun = pending
    ? { runId: pending.runId, mode: pending.mode, status: pending.status, committedTo: pending.committedTo }
    : null;
  // A row that cannot be read fails its chain's launch with the reason; here it only makes the state unknown.
  const setup = await store.readChainSetup(summary).catch(() => null);
  const staleAfterHours =
    setup?.station.staleAfterHours ?? (await defaultStaleAfterHours(store, summary, setup));
  return {
    ...summary,
    outputs: outputsState(summary, setup, history.fingerprints),
    pendingRun,
    staleAfterHours,
    stale: summary.lastRawAt === null || now - summary.lastRawAt > staleAfterHours * 3600,
  };
}

function outputsState(
  summary: ChainSummary,
  setup: ChainSetup | null,
  fingerprints: string[],
): ChainOverview['outputs'] {
  if (summary.lastElaboratedAt === null) return 'none';
  let current: string;
  try {
    if (!setup) return 'invalid';
    current = configFingerprint(buildChainModel(setup));
  } catch {
    return 'invalid';
  }
  if (fingerprints.length === 0) return 'unknown';
  return fingerprints.every((f) => f === current) ? 'current' : 'changed';
}

/** DATA_MODEL.md v2: twice the chain's median sampling interval (over its last two days), at least 1 h. */
async function defaultStaleAfterHours(
  store: Store,
  summary: ChainSummary,
  setup: ChainSetup | null,
): Promise<number> {
  const last = summary.lastRawAt;
  const nodes = setup?.nodes.map((n) => n.nodeIndex) ?? [];
  if (last === null || nodes.length === 0) return 1;
  const times = await store.chainTimestamps({ ...summary, from: last - 2 * 86_400, to: last }, nodes);
  const steps: number[] = [];
  for (let i = 1; i < times.length; i++) steps.push(times[i]! - times[i - 1]!);
  if (steps.length === 0) return 1;
  steps.sort((x, y) => x - y);
  const mid = steps.length >> 1;
  const median = steps.length % 2 === 1 ? steps[mid]! : (steps[mid - 1]! + steps[mid]!) / 2;
  return Math.max(1, (2 * median) / 3600);
}

async function acknowledgeEvents(store: Store, request: AcknowledgeRequest): Promise<Acknowledged> {
  const by = request.by.trim();
  if (by === '') {
    throw new CatenaError('DATA_INVALID', "an acknowledgement needs the operator's name (by)");
  }
  const note = request.note?.trim() || null;
  const setup = await store.readChainSetup(request.key);
  if (!setup) {
    throw new CatenaError(
      'CHAIN_NOT_FOUND',
      `chain ${chainLabel(request.key)} is not in active_stations; check the control unit code and the chain letter`,
      request.key,
    );
  }
  // under the key as stored (a case-insensitive database maps b to B)
  const key = { controlUnitCode: setup.station.controlUnitCode, chain: setup.station.chain };
  const at = await store.databaseNow();
  const acknowledged = await store.acknowledgeEvents({
    key,
    events: request.events,
    by: by.slice(0, 128),
    note,
    at,
  });
  return { ...key, acknowledged, by: by.slice(0, 128), note, at };
}

async function chainNodes(store: Store, key: ChainKey): Promise<ChainNodes> {
  const setup = await store.readChainSetup(key);
  if (!setup) {
    throw new CatenaError(
      'CHAIN_NOT_FOUND',
      `chain ${chainLabel(key)} is not in active_stations; check the control unit code and the chain letter`,
      key,
    );
  }
  return {
    controlUnitCode: setup.station.controlUnitCode,
    chain: setup.station.chain,
    siteName: setup.station.siteName,
    fixedEnd: setup.station.fixedEnd,
    nodes: setup.nodes
      .map((n) => ({
        nodeIndex: n.nodeIndex,
        depthM: n.depthM,
        lengthMm: n.lengthMm,
        enabled: n.enabled !== 0,
        threeAxis: n.offsetZ !== null && n.gainZ !== null,
      }))
      .sort((a, b) => a.nodeIndex - b.nodeIndex),
  };
}
