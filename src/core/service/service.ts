/**
 * The application service every host uses: one store, one engine. Hosts
 * validate their inputs, call these methods and forward the events; nothing
 * of the domain lives in a host.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
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
import { takeSnapshot } from '../export/snapshot.ts';
import { langFromEnv } from '../lang.ts';
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
import { dataDir, defaultDemoDbPath } from '../paths.ts';
import { buildChainReport } from '../report/report.ts';
import { outputsDatum } from '../store/datum.ts';
import { type CatenaStore, openStore } from '../store/open.ts';
import type { ChainSummary, Store } from '../store/port.ts';
import { type ConnectionProfile, parseProfile, redact } from '../store/profile.ts';
import { formatIsoTime } from '../time.ts';
import { ConnectionBook, connectionsFile } from './connections.ts';
import { nodeRawReadings } from './raw-readings.ts';
import { StaleWatch } from './stale-watch.ts';
import type {
  Acknowledged,
  AcknowledgeRequest,
  CatenaService,
  ChainNodes,
  ChainOverview,
  ServiceInfo,
  ServiceOptions,
  SmtpView,
  SnapshotJob,
  SnapshotOrigin,
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
  const profile = parseProfile(url);
  const session = await openSession(profile, options, options.requireSchema === true);
  const book = options.connections
    ? new ConnectionBook(options.connections.file ?? connectionsFile(), options.connections.secrets)
    : null;
  // The database this host started with is the first of the recent connections.
  if (book) rememberQuietly(book, profile, true, options.onNotifyWarning);
  return serviceOver(
    session,
    (p) => openSession(p, options, true),
    (p) => probe(p, options),
    book,
    options.onNotifyWarning,
    options.sqliteWorkerUrl,
  );
}

function rememberQuietly(
  book: ConnectionBook,
  profile: ConnectionProfile,
  keepPassword: boolean,
  warn?: (message: string) => void,
): void {
  try {
    book.remember(profile, Math.floor(Date.now() / 1000), keepPassword);
  } catch (error) {
    warn?.(`remembering the connection ${redact(profile)}: ${String(error)}`);
  }
}

/** Opens the profile's database, checks it is a Catena database, says what it is, and closes it. */
async function probe(profile: ConnectionProfile, options: ServiceOptions): Promise<ServiceInfo> {
  const store = await openStore(profile, { sqliteWorkerUrl: options.sqliteWorkerUrl, requireSchema: true });
  try {
    const snapshot = store.info.readOnly ? await snapshotOrigin(store) : null;
    return { ...store.info, readOnly: store.info.readOnly === true, snapshot };
  } finally {
    await store.close();
  }
}

/** One database with its engine and notifier: what `connect` swaps. */
interface Session {
  store: Store;
  engine: Engine;
  notifier?: Notifier;
  snapshot: SnapshotOrigin | null;
  /** checks for stale data on a timer (sessions that notify) */
  staleWatch?: StaleWatch;
  /** CATENA_SMTP_URL and CATENA_HOME (where the SMTP set in the app is kept) */
  env: Record<string, string | undefined>;
}

type SessionOpener = (profile: ConnectionProfile) => Promise<Session>;

/**
 * Opens a store and the engine over it. A read-only store (an offline
 * snapshot) is neither migrated nor notified from, and says where and when
 * it was taken.
 */
async function openSession(
  profile: ConnectionProfile,
  options: ServiceOptions,
  requireSchema: boolean,
): Promise<Session> {
  const store = await openStore(profile, { sqliteWorkerUrl: options.sqliteWorkerUrl, requireSchema });
  let snapshot: SnapshotOrigin | null = null;
  try {
    if (store.info.readOnly) snapshot = await snapshotOrigin(store);
    else if (!requireSchema) await store.migrate();
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
  if (snapshot) return { store, engine, snapshot, env: options.env ?? process.env };
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
  // Stale data is notified on a timer, not only when a launch runs (desktop and service alike).
  const everyMinutes =
    options.staleCheckMinutes ?? (Number(env.CATENA_STALE_CHECK_MINUTES) || DEFAULT_STALE_CHECK_MINUTES);
  const staleWatch = new StaleWatch({
    store,
    notifier,
    chains: () => chainOverviews(store),
    everyMs: Math.max(0, everyMinutes * 60_000),
    log: options.onNotifyWarning,
  });
  staleWatch.start();
  // What a process that died left claimed but unsent is sent now (in the background; settle() waits for it).
  if (options.resumeNotifications !== false) {
    notifier
      .resume()
      .catch((error: unknown) => options.onNotifyWarning?.(`resuming notifications: ${String(error)}`));
  }
  return { store, engine, notifier, snapshot, staleWatch, env };
}

/** Where and when a snapshot was taken: its newest pass that succeeded (else its newest). */
async function snapshotOrigin(store: Store): Promise<SnapshotOrigin | null> {
  const passes = await store.listSnapshotPasses();
  const pass = passes.find((p) => p.status === 'succeeded') ?? passes[0];
  if (!pass) return null;
  return {
    source: pass.source,
    takenAt: pass.takenAt,
    chains: pass.chains.split(' ').filter((c) => c !== ''),
    status: pass.status,
  };
}

async function closeSession(session: Session): Promise<void> {
  await session.staleWatch?.stop();
  await session.engine.close();
  // Deliveries still sending get a moment; the rest stay claimed and the next process resumes them.
  await session.notifier?.close(2_000);
  await session.store.close();
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

/** The service over a store and engine the caller built (tests, the HTTP harness); it cannot switch databases. */
export function createService(store: Store, engine: Engine, notifier?: Notifier): CatenaService {
  const refuse = (): Promise<never> =>
    Promise.reject(
      new CatenaError(
        'DATA_INVALID',
        'this service was built over one database and cannot switch to another',
      ),
    );
  return serviceOver({ store, engine, notifier, snapshot: null, env: process.env }, refuse, refuse, null);
}

function serviceInfo(session: Session): ServiceInfo {
  return {
    ...session.store.info,
    readOnly: session.store.info.readOnly === true,
    snapshot: session.snapshot,
  };
}

function serviceOver(
  first: Session,
  open: SessionOpener,
  test: (profile: ConnectionProfile) => Promise<ServiceInfo>,
  book: ConnectionBook | null,
  warn?: (message: string) => void,
  sqliteWorkerUrl?: URL,
): CatenaService {
  let session = first;
  const launches = new Map<string, Promise<LaunchFinishedEvent>>();
  const listeners = new Set<(event: EngineEvent) => void>();
  // Engine events reach the listeners from whichever session is current.
  const attach = (s: Session) => {
    const offForward = s.engine.onEvent((event) => {
      for (const listener of listeners) listener(event);
    });
    // The alarm seam: every launch of this service notifies, whichever host started it.
    const offNotifier = s.notifier ? s.engine.onEvent(s.notifier.handle) : () => {};
    return () => {
      offForward();
      offNotifier();
    };
  };
  let detach = attach(session);
  let switching = false;
  let snapshotJob: SnapshotJob | null = null;
  let snapshotAbort: AbortController | null = null;

  const readOnlyRefusal = () => {
    const origin = session.snapshot;
    const what = origin
      ? `an offline snapshot of ${origin.source} taken at ${formatIsoTime(origin.takenAt)}`
      : `${session.store.info.location}, opened read-only`;
    return new CatenaError(
      'READ_ONLY',
      `This is ${what}: it shows results only. Connect to the monitoring database to launch elaborations.`,
    );
  };

  /** A profile, or `{ id }` of a remembered connection. */
  const resolveTarget = (target: unknown): { profile: ConnectionProfile; saved: boolean } => {
    if (typeof target === 'object' && target !== null && 'id' in target) {
      const { id } = target as { id: unknown };
      if (typeof id !== 'string' || !book) {
        throw new CatenaError(
          'PROFILE_INVALID',
          'This host keeps no list of connections; enter the connection.',
        );
      }
      return { profile: book.profile(id), saved: true };
    }
    return { profile: parseProfile(target), saved: false };
  };

  const service: CatenaService = {
    info: () => serviceInfo(session),
    connections: async () =>
      book
        ? book.list()
        : {
            connections: [],
            canStorePasswords: false,
            passwordNote: 'This host keeps no list of connections.',
          },
    forgetConnection: async (id) => book?.forget(id) ?? false,
    listChains: () => chainOverviews(session.store),
    launch: async (request: LaunchRequest) => {
      if (session.store.info.readOnly) throw readOnlyRefusal();
      const launch = await session.engine.launch(request);
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
    runningLaunches: () => session.engine.runningLaunches,
    cancel: (launchId: string, chain?: ChainKey) => session.engine.cancel(launchId, chain),
    listRuns: (filter) => session.store.listRuns(filter),
    series: (query) =>
      session.store.readElaborated({
        ...query.key,
        nodeIndex: query.nodeIndex,
        from: query.from ?? null,
        to: query.to ?? null,
        limit: query.limit,
      }),
    chainNodes: (key) => chainNodes(session.store, key),
    rawReadings: (query) => nodeRawReadings(session.store, query),
    quality: (query) =>
      session.store.flagCounts({ key: query.key, from: query.from ?? null, to: query.to ?? null }),
    events: (filter) => session.store.listEvents(filter),
    acknowledgeEvents: (request) => {
      if (session.store.info.readOnly) return Promise.reject(readOnlyRefusal());
      return acknowledgeEvents(session.store, request);
    },
    chainReport: async (query) => {
      const report = await buildChainReport(session.store, {
        key: query.key,
        from: query.from ?? null,
        to: query.to ?? null,
        dates: query.dates,
        nodes: query.nodes,
        lang: query.lang ?? langFromEnv(session.env),
      });
      return {
        fileName: report.fileName,
        contentType: 'application/pdf' as const,
        pages: report.pages,
        from: report.from,
        to: report.to,
        events: report.events,
        base64: report.bytes.toString('base64'),
      };
    },
    onEvent: (listener: (event: EngineEvent) => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    testConnection: async (target) => test(resolveTarget(target).profile),
    connect: async (target) => {
      const { profile: parsed, saved } = resolveTarget(target);
      const running = session.engine.runningLaunches;
      if (snapshotJob?.state === 'running') {
        throw new CatenaError(
          'LAUNCH_RUNNING',
          `A snapshot of ${session.store.info.location} is being taken into ${snapshotJob.out}; wait for it to end (or cancel it), then switch the database.`,
        );
      }
      if (running.length > 0 || switching) {
        throw new CatenaError(
          'LAUNCH_RUNNING',
          `A launch is running on ${session.store.info.location}; wait for it to end (or cancel it), then switch the database.`,
        );
      }
      switching = true;
      try {
        // The current database stays in use until the new one is open and checked.
        const next = await open(parsed);
        const previous = session;
        detach();
        session = next;
        detach = attach(next);
        await closeSession(previous).catch((error: unknown) =>
          warn?.(`closing ${previous.store.info.location}: ${String(error)}`),
        );
        if (book) rememberQuietly(book, parsed, saved, warn);
        return serviceInfo(next);
      } finally {
        switching = false;
      }
    },
    takeSnapshot: async (request) => {
      if (snapshotJob?.state === 'running') {
        throw new CatenaError(
          'LAUNCH_RUNNING',
          `A snapshot is already being taken into ${snapshotJob.out}; wait for it to end, or cancel it.`,
        );
      }
      const out = isAbsolute(request.out) ? request.out : resolve(dataDir(), 'snapshots', request.out);
      const source = session.store;
      if (source.info.location === `sqlite:${out}`) {
        throw new CatenaError(
          'PROFILE_INVALID',
          `${out} is the database in use; choose another file for the snapshot.`,
        );
      }
      // the job is running from here on: a second start or a switch is refused while the file opens
      const job: SnapshotJob = { out, state: 'running', progress: null, message: null };
      const abort = new AbortController();
      snapshotJob = job;
      snapshotAbort = abort;
      let target: CatenaStore;
      try {
        mkdirSync(dirname(out), { recursive: true });
        target = await openStore(parseProfile({ kind: 'sqlite', path: out }), {
          migrate: true,
          snapshotWrites: true,
          sqliteWorkerUrl,
        });
      } catch (error) {
        job.state = 'failed';
        job.message = error instanceof CatenaError ? error.message : `The snapshot failed: ${String(error)}`;
        snapshotAbort = null;
        throw error;
      }
      void takeSnapshot(source, target, {
        chains: request.chains,
        from: request.from ?? null,
        to: request.to ?? null,
        withRaw: request.withRaw === true,
        signal: abort.signal,
        onProgress: (p) => {
          job.progress = { ...p, chain: chainLabel(p.chain) };
        },
      })
        .then(
          (result) => {
            job.state = 'succeeded';
            const rows = result.chains.reduce((n, c) => n + c.elaboratedRows, 0);
            const n = result.chains.length;
            job.message = `Snapshot of ${result.source} taken ${formatIsoTime(result.takenAt)}: ${n} chain${n === 1 ? '' : 's'}, ${rows} new elaborated rows, in ${out}.`;
          },
          (error: unknown) => {
            job.state = abort.signal.aborted ? 'cancelled' : 'failed';
            job.message = abort.signal.aborted
              ? `Snapshot cancelled; what was copied stays in ${out}, and the next snapshot into it goes on from there.`
              : error instanceof CatenaError
                ? error.message
                : `The snapshot failed: ${String(error)}`;
          },
        )
        .finally(() => {
          void target.close();
          if (snapshotAbort === abort) snapshotAbort = null;
        });
      return { ...job };
    },
    snapshotStatus: () =>
      snapshotJob ? { ...snapshotJob, progress: snapshotJob.progress && { ...snapshotJob.progress } } : null,
    cancelSnapshot: () => {
      if (!snapshotAbort) return false;
      snapshotAbort.abort(new CatenaError('CANCELLED', 'the snapshot was cancelled'));
      return true;
    },
    notifications: {
      rules: () => session.store.listNotifyRules(),
      addRule: (rule) => session.store.addNotifyRule(rule),
      removeRule: (id) => session.store.removeNotifyRule(id),
      test: async (id) => {
        const rule = (await session.store.listNotifyRules()).find((r) => r.id === id);
        if (!rule)
          throw new CatenaError(
            'RULE_NOT_FOUND',
            `there is no notification rule ${id}; see catena notify list`,
          );
        if (!session.notifier)
          throw new CatenaError('DATA_INVALID', 'notifications are not enabled in this process');
        try {
          await session.notifier.test(rule);
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
      channels: () => session.notifier?.channels ?? [],
      smtp: () => smtpView(session.env),
      setSmtp: async (setting) => {
        const { env, notifier } = session;
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
      deliveries: (filter) => session.store.listDeliveries(filter),
      checkStale: () =>
        session.staleWatch
          ? session.staleWatch.check()
          : Promise.resolve({ started: [], ended: [], claimed: 0 }),
      staleEpisodes: (filter) => session.store.listStaleEpisodes(filter),
      settle: async (timeoutMs) =>
        session.notifier ? session.notifier.idle(timeoutMs) : { claimed: 0, sent: 0, failed: 0, pending: 0 },
    },
    close: async () => {
      snapshotAbort?.abort(new CatenaError('CANCELLED', 'the service is closing'));
      detach();
      listeners.clear();
      await closeSession(session);
    },
  };
  return service;
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
  const referenceTime = setup.station.referenceTime;
  const datum = await outputsDatum(store, setup);
  return {
    controlUnitCode: setup.station.controlUnitCode,
    chain: setup.station.chain,
    siteName: setup.station.siteName,
    fixedEnd: setup.station.fixedEnd,
    referenceTime,
    datum,
    azimuthDeg: setup.station.azimuthDeg ?? null,
    thresholds: setup.thresholds
      .map((t) => ({ nodeIndex: t.nodeIndex, metric: t.metric, level: t.level, value: t.value }))
      .sort((a, b) => a.metric.localeCompare(b.metric) || a.level - b.level),
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
