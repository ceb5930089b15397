/**
 * The reads of the HTTP host on a connection of their own.
 *
 * On SQLite the store has ONE connection, in one worker thread, behind a
 * mutex: a write transaction holds it from BEGIN IMMEDIATE to COMMIT. Every
 * REST read, live read and console read made through it waited for the
 * engine's batch in progress, and the engine's next batch waited behind
 * them (bench:service: 50 REST requests/s made the launch 1.38× slower,
 * REST p99 519 ms). The file is in WAL mode, where readers never block the
 * writer nor wait for it: so the host opens a second connection (a second
 * worker) on the same file for what only reads — the overview, runs,
 * series, nodes, quality and events — and leaves the first to the engine.
 *
 * MySQL/MariaDB needs nothing of this: its pool already gives each read a
 * connection of its own. After a switch of database (the connection
 * manager), reads go to the service again until the host restarts: the
 * second connection belongs to the database it was opened on.
 */
import { Engine } from '../core/engine/engine.ts';
import { createService } from '../core/service/service.ts';
import type { CatenaService } from '../core/service/types.ts';
import { openStore } from '../core/store/open.ts';

export interface ReadSide {
  /** the service, its reads on the second connection (the service itself when there is none) */
  service: CatenaService;
  /** the database the second connection is on; null when reads stay on the service */
  location: string | null;
  close(): Promise<void>;
}

/** The methods that only read, answered on the read connection. */
const READS = ['listChains', 'listRuns', 'series', 'chainNodes', 'quality', 'events'] as const;

export async function openReadSide(
  service: CatenaService,
  options: { sqliteWorkerUrl?: URL } = {},
): Promise<ReadSide> {
  const info = service.info();
  if (info.kind !== 'sqlite' || info.location.includes(':memory:')) {
    return { service, location: null, close: async () => {} };
  }
  const location = info.location;
  const store = await openStore(location, { sqliteWorkerUrl: options.sqliteWorkerUrl });
  // the engine is never asked to launch here (the service's own launches); it starts no thread until then
  const engine = new Engine({ store, host: 'catena-read-side', threads: 1 });
  const reader = createService(store, engine);
  // while the service is on the database this connection was opened on
  const here = () => service.info().location === location;
  const redirected: Partial<CatenaService> = {};
  for (const name of READS) {
    const own = service[name] as (...args: unknown[]) => unknown;
    const other = reader[name] as (...args: unknown[]) => unknown;
    (redirected as Record<string, unknown>)[name] = (...args: unknown[]) =>
      here() ? other(...args) : own(...args);
  }
  return {
    service: { ...service, ...redirected },
    location,
    close: () => reader.close(),
  };
}
