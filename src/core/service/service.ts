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
import { Engine } from '../engine/engine.ts';
import type { EngineEvent, LaunchRequest } from '../engine/events.ts';
import { CatenaError } from '../errors.ts';
import { defaultDemoDbPath } from '../paths.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/port.ts';
import { parseProfile } from '../store/profile.ts';
import type { CatenaService, ChainNodes, ServiceOptions } from './types.ts';

export interface OpenedService extends CatenaService {
  readonly store: Store;
  readonly engine: Engine;
}

export function defaultDatabaseUrl(): string {
  return `sqlite:${defaultDemoDbPath()}`;
}

/** Opens the database (creating the demo site on first use of the default one) and the engine. */
export async function openCatenaService(options: ServiceOptions = {}): Promise<OpenedService> {
  const url = options.db ?? defaultDatabaseUrl();
  const demoPath = defaultDemoDbPath();
  if (options.ensureDemo === true && url === `sqlite:${demoPath}` && !existsSync(demoPath)) {
    await createDemoDatabase(demoPath, options.sqliteWorkerUrl);
  }
  const store = await openStore(parseProfile(url), { sqliteWorkerUrl: options.sqliteWorkerUrl });
  try {
    await store.migrate();
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
  return createService(store, engine);
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

export function createService(store: Store, engine: Engine): OpenedService {
  return {
    store,
    engine,
    info: () => store.info,
    listChains: () => store.listChains(),
    launch: async (request: LaunchRequest) => {
      const launch = await engine.launch(request);
      // Results also arrive as events and in catena_runs; nothing to do with the promise here.
      launch.done.catch(() => {});
      return { launchId: launch.launchId, chains: launch.chains };
    },
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
    onEvent: (listener: (event: EngineEvent) => void) => engine.onEvent(listener),
    close: async () => {
      await engine.close();
      await store.close();
    },
  };
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
