/**
 * The HTTP host on a real store for the API tests: a service opened as the
 * hosts open it (SQLite temp file, or a scratch MariaDB database), a few
 * small chains, and the server answering through fastify's `inject`.
 *
 * `gate` holds every elaborated write until opened, so that a test sees a
 * chain `running` for as long as it needs (the real store's writeChunk,
 * delayed, not replaced).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { EngineEvent } from '../../src/core/engine/events.ts';
import { createService } from '../../src/core/service/service.ts';
import type { CatenaService } from '../../src/core/service/types.ts';
import { openStore } from '../../src/core/store/open.ts';
import type { Store } from '../../src/core/store/port.ts';
import { buildServer, type ServerOptions } from '../../src/server/app.ts';
import { node, raw, station } from '../support/fixture.ts';
import { createTestDatabase } from '../support/mariadb.ts';

export const SMALL_A: ChainKey = { controlUnitCode: 'CU900', chain: 'A' };
export const SMALL_B: ChainKey = { controlUnitCode: 'CU900', chain: 'B' };
/** in active_stations with active = 0 */
export const INACTIVE: ChainKey = { controlUnitCode: 'CU901', chain: 'A' };
/** enough cells for four compute chunks (50 000 cells each): a cancel lands between two of them */
export const BIG: ChainKey = { controlUnitCode: 'CU902', chain: 'A' };

export const SMALL_TIMESTAMPS = 40;
export const SMALL_NODES = [1, 2, 3];
const BIG_NODES = Array.from({ length: 25 }, (_, i) => i + 1);
const BIG_TIMESTAMPS = 6_200;

export type Kind = 'sqlite' | 'mysql';

async function addChain(store: Store, key: ChainKey, nodes: number[], timestamps: number, active = 1) {
  await store.upsertStation(station(key, { active }));
  await store.replaceChainConfig(
    key,
    nodes.map((n) => node(key, n)),
    [],
  );
  await store.writeRaw(key, raw(nodes, timestamps));
}

export class WriteGate {
  #open = true;
  #waiting: (() => void)[] = [];
  /** writes that arrived while closed */
  held = 0;

  /** holds the writes from now on (and counts them from 0) */
  close(): void {
    this.#open = false;
    this.held = 0;
  }

  open(): void {
    this.#open = true;
    for (const release of this.#waiting.splice(0)) release();
  }

  async pass(): Promise<void> {
    if (this.#open) return;
    this.held++;
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
}

export interface Harness {
  kind: Kind;
  service: CatenaService;
  /** the service's store (its writes held by `gate`) */
  store: Store;
  app: FastifyInstance;
  gate: WriteGate;
  /** unexpected errors the server logged (a test fails on any) */
  unexpected: string[];
  /** appends `count` timestamps of raw rows to a small chain (new data for an incremental run) */
  moreRaw(key: ChainKey, count: number): Promise<void>;
  /** a second server on the same service (other options) */
  serve(options?: Partial<ServerOptions>): Promise<FastifyInstance>;
  /** resolves with the launch's launch-finished event */
  finished(launchId: string): Promise<Extract<EngineEvent, { type: 'launch-finished' }>>;
  close(): Promise<void>;
}

export async function openHarness(kind: Kind, options: Partial<ServerOptions> = {}): Promise<Harness> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'catena-server-'));
    url = `sqlite:${join(dir, 'api.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const db = await createTestDatabase('catena_api');
    url = db.url;
    cleanup = db.drop;
  }
  // The service as openCatenaService builds it, with the store in hand to hold its writes.
  const store = await openStore(url, { migrate: true });
  await addChain(store, SMALL_A, SMALL_NODES, SMALL_TIMESTAMPS);
  await addChain(store, SMALL_B, SMALL_NODES, SMALL_TIMESTAMPS);
  await addChain(store, INACTIVE, SMALL_NODES, SMALL_TIMESTAMPS, 0);
  await addChain(store, BIG, BIG_NODES, BIG_TIMESTAMPS);

  const gate = new WriteGate();
  const write = store.writeChunk.bind(store);
  store.writeChunk = async (chunk) => {
    await gate.pass();
    return write(chunk);
  };

  const service = createService(store, new Engine({ store, host: 'api-test-host' }));
  const events: EngineEvent[] = [];
  const offEvents = service.onEvent((e) => events.push(e));
  const unexpected: string[] = [];
  const apps: FastifyInstance[] = [];
  const serve = async (more: Partial<ServerOptions> = {}) => {
    const app = await buildServer({
      service,
      staticDir: null,
      logLevel: 'silent',
      logUnexpected: (error, context) => {
        unexpected.push(`${context}: ${error instanceof Error ? error.stack : String(error)}`);
        return '/tmp/catena-test/server.log';
      },
      ...options,
      ...more,
    });
    apps.push(app);
    return app;
  };
  const app = await serve();
  const written = new Map<string, number>();
  return {
    kind,
    service,
    store,
    app,
    gate,
    unexpected,
    serve,
    moreRaw: async (key, count) => {
      const label = `${key.controlUnitCode}-${key.chain}`;
      const done = written.get(label) ?? SMALL_TIMESTAMPS;
      const rows = raw(SMALL_NODES, done + count);
      const keep = SMALL_NODES.length * done;
      const slice = <T extends Float64Array | Int32Array>(a: T) => a.slice(keep) as T;
      await store.writeRaw(key, {
        length: rows.length - keep,
        timestamp: slice(rows.timestamp),
        nodeIndex: slice(rows.nodeIndex),
        rawX: slice(rows.rawX),
        rawY: slice(rows.rawY),
        rawZ: slice(rows.rawZ),
        rawT: slice(rows.rawT),
        errorCode: slice(rows.errorCode),
      });
      written.set(label, done + count);
    },
    finished: (launchId) =>
      new Promise((resolve) => {
        const done = () => events.find((e) => e.type === 'launch-finished' && e.launchId === launchId);
        const now = done();
        if (now) return resolve(now as Extract<EngineEvent, { type: 'launch-finished' }>);
        const off = service.onEvent(() => {
          const found = done();
          if (found) {
            off();
            resolve(found as Extract<EngineEvent, { type: 'launch-finished' }>);
          }
        });
      }),
    close: async () => {
      gate.open();
      offEvents();
      for (const a of apps) await a.close();
      await service.close();
      await cleanup();
    },
  };
}

/** The JSON body of an answer. */
export function body<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return response.json() as T;
}

/** Polls until `check` holds (bounded). */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
