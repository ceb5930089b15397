/**
 * Opening a store from a connection profile.
 *
 * `openStore(profile)` connects (MySQL: a bounded pool, checked with one
 * connection; SQLite: the file, created when missing) and classifies every
 * failure into a CatenaError with a sentence the operator can act on:
 * CONNECTION_UNKNOWN_HOST, CONNECTION_REFUSED, CONNECTION_TIMEOUT,
 * CONNECTION_ACCESS_DENIED, CONNECTION_UNKNOWN_DATABASE,
 * CONNECTION_PRIVILEGES, CONNECTION_TLS, NOT_A_CATENA_DATABASE (a file that is
 * not SQLite). The driver's error is the `cause`.
 *
 * Schema: by default nothing is checked (the caller may be about to run
 * `migrate()`, as `catena migrate`, the demo installer and the service do).
 * With `requireSchema: true` (opening for use, e.g. `catena stations`) the
 * store must hold the monitoring tables and Catena's own, with every
 * migration applied; otherwise NOT_A_CATENA_DATABASE names what is missing and
 * says to run `catena migrate` (and a SQLite file that does not exist is not
 * created). `assertCatenaSchema(store)` is the same check on an open store.
 * With `migrate: true` the migrations are applied before returning.
 *
 * An offline snapshot (a database with catena_snapshot_passes, written by
 * `catena snapshot`) opens read-only: every write is refused with READ_ONLY,
 * `migrate` is not applied, and `info.readOnly` is true. Only the snapshot
 * command itself opens one for writing (`snapshotWrites: true`).
 */
import { isAbsolute, resolve } from 'node:path';
import { assertSchemaUsable, type CatenaStore } from './migrations.ts';
import { connectMysql } from './mysql/connect.ts';
import { type ConnectionProfile, parseProfile } from './profile.ts';
import { openSqlite } from './sqlite/connect.ts';

export interface OpenOptions {
  /** refuse a database without Catena's tables (NOT_A_CATENA_DATABASE); default false */
  requireSchema?: boolean;
  /** apply the migrations before returning; default false */
  migrate?: boolean;
  /** MySQL: how long to wait for the server when connecting (default 10 000 ms) */
  connectTimeoutMs?: number;
  /** MySQL: connections in the pool at most (default 8) */
  connectionLimit?: number;
  /** MySQL: statements waiting for a pooled connection at most (default 1000); more are refused with STORE_BUSY */
  queueLimit?: number;
  /** MySQL: bulk write method; `auto` (default) uses LOAD DATA LOCAL when the server allows it */
  bulkMethod?: 'auto' | 'load-data' | 'insert';
  /** MySQL: seconds a statement waits for a table or row lock before failing (default 60) */
  lockWaitSeconds?: number;
  /** SQLite: folder that relative paths are resolved against (default: the working directory) */
  baseDir?: string;
  /** SQLite: how long a statement waits for another process's write lock (default 5 000 ms) */
  busyTimeoutMs?: number;
  /** SQLite: the worker-thread entry; hosts that bundle (Electron) pass their own */
  sqliteWorkerUrl?: URL;
  /** chain locks and run heartbeats stay valid this long without renewal (default 60 s) */
  leaseSeconds?: number;
  /** open an offline snapshot for writing (the snapshot command); default false: a snapshot opens read-only */
  snapshotWrites?: boolean;
}

export type { CatenaStore };

/** NOT_A_CATENA_DATABASE unless the store holds every table Catena reads and writes, fully migrated. */
export async function assertCatenaSchema(store: CatenaStore): Promise<void> {
  assertSchemaUsable(await store.schemaStatus(), store.info.location);
}

export async function openStore(
  profile: ConnectionProfile | string,
  options: OpenOptions = {},
): Promise<CatenaStore> {
  const parsed = typeof profile === 'string' ? parseProfile(profile) : profile;
  const store: CatenaStore =
    parsed.kind === 'mysql'
      ? await connectMysql(parsed, {
          connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
          connectionLimit: options.connectionLimit ?? 8,
          queueLimit: options.queueLimit,
          bulkMethod: options.bulkMethod ?? 'auto',
          lockWaitSeconds: options.lockWaitSeconds ?? 60,
          leaseSeconds: options.leaseSeconds,
        })
      : await openSqlite(parsed, {
          path: resolveSqlitePath(parsed.path, options.baseDir),
          mustExist: options.requireSchema === true && options.migrate !== true,
          busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
          leaseSeconds: options.leaseSeconds,
          workerUrl: options.sqliteWorkerUrl,
        });
  try {
    const snapshot = options.snapshotWrites !== true && (await store.listSnapshotPasses()).length > 0;
    if (snapshot) await store.enterReadOnly();
    if (options.migrate && !snapshot) await store.migrate();
    if (options.requireSchema) await assertCatenaSchema(store);
    return store;
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}

function resolveSqlitePath(path: string, baseDir: string | undefined): string {
  if (path === ':memory:' || isAbsolute(path)) return path;
  return resolve(baseDir ?? process.cwd(), path);
}
