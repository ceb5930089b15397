/** Opening a store on MySQL/MariaDB: the pool, one first statement to check the server accepts us, the dialect. */
import { type MysqlProfile, redact } from '../profile.ts';
import { SqlStore } from '../sql-store.ts';
import type { BulkMethod } from './bulk.ts';
import { MysqlDialect } from './dialect.ts';
import { type MysqlConnection, MysqlDriver } from './driver.ts';
import { classifyMysqlError, type MysqlContext } from './errors.ts';

export interface MysqlOpenOptions {
  connectTimeoutMs: number;
  /** pool size (connections opened at most) */
  connectionLimit: number;
  queueLimit?: number;
  /** `auto`: LOAD DATA LOCAL when the server allows it, else multi-row INSERT */
  bulkMethod: 'auto' | BulkMethod;
  lockWaitSeconds: number;
  leaseSeconds?: number;
  /** advertise LOAD DATA LOCAL to the server (default: unless bulkMethod is `insert`) */
  localInfile?: boolean;
}

export async function connectMysql(
  profile: MysqlProfile,
  options: MysqlOpenOptions,
): Promise<SqlStore<MysqlConnection>> {
  const ctx: MysqlContext = {
    host: profile.host,
    port: profile.port,
    user: profile.user,
    database: profile.database,
    connectTimeoutMs: options.connectTimeoutMs,
  };
  const driver = MysqlDriver.create(profile, {
    connectTimeoutMs: options.connectTimeoutMs,
    connectionLimit: options.connectionLimit,
    queueLimit: options.queueLimit,
    localInfile: options.localInfile ?? options.bulkMethod !== 'insert',
    lockWaitSeconds: options.lockWaitSeconds,
  });
  try {
    const [first] = await driver.allArrays('SELECT VERSION(), @@local_infile');
    const [version, localInfile] = first ?? [];
    const bulkMethod: BulkMethod =
      options.bulkMethod !== 'auto' ? options.bulkMethod : Number(localInfile) === 1 ? 'load-data' : 'insert';
    return new SqlStore(driver, new MysqlDialect(ctx, bulkMethod), {
      info: { kind: 'mysql', location: redact(profile), serverVersion: String(version ?? '') },
      leaseSeconds: options.leaseSeconds,
    });
  } catch (error) {
    await driver.close().catch(() => {});
    throw classifyMysqlError(error, ctx, 'connecting') ?? error;
  }
}
