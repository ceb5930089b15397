/** Opening a store on an SQLite file: the path checks, the worker, the dialect. */
import { existsSync } from 'node:fs';
import { CatenaError } from '../../errors.ts';
import { redact, type SqliteProfile } from '../profile.ts';
import { SqlStore } from '../sql-store.ts';
import { SqliteDialect } from './dialect.ts';
import { SqliteDriver } from './driver.ts';
import { classifySqliteError } from './errors.ts';

export interface SqliteOpenOptions {
  /** the resolved file path (or `:memory:`) */
  path: string;
  /** refuse to create the file when it does not exist */
  mustExist: boolean;
  /** how long a statement waits for another process's write lock */
  busyTimeoutMs: number;
  leaseSeconds?: number;
  /** the worker entry; hosts that bundle (Electron) pass their own */
  workerUrl?: URL;
}

export async function openSqlite(profile: SqliteProfile, options: SqliteOpenOptions): Promise<SqlStore> {
  const { path } = options;
  if (options.mustExist && path !== ':memory:' && !existsSync(path)) {
    throw new CatenaError(
      'CONNECTION_UNKNOWN_DATABASE',
      `The SQLite file ${path} does not exist. Check the path in the connection profile, or run ` +
        '`catena migrate` (or `catena demo`) with it to create a Catena database there.',
    );
  }
  let driver: SqliteDriver;
  try {
    driver = await SqliteDriver.open({
      path,
      busyTimeoutMs: options.busyTimeoutMs,
      workerUrl: options.workerUrl,
    });
  } catch (error) {
    throw classifySqliteError(error, path, 'opening the database') ?? error;
  }
  return new SqlStore(driver, new SqliteDialect(path), {
    info: {
      kind: 'sqlite',
      location: redact({ kind: 'sqlite', path: profile.path }),
      serverVersion: `SQLite ${driver.version}`,
    },
    leaseSeconds: options.leaseSeconds,
  });
}
