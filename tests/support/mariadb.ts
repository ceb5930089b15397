/**
 * Real MariaDB for integration tests. Each test file gets its own database
 * (dropped at the end). Without a server the tests are skipped with the reason
 * printed, except under CI=true, where a missing server fails the run.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export const MARIADB_URL = process.env.CATENA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

async function probe(): Promise<string | null> {
  try {
    const conn = await mysql.createConnection({ uri: MARIADB_URL, connectTimeout: 3000 });
    await conn.end();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const unavailableReason = await probe();

if (unavailableReason !== null) {
  if (process.env.CI === 'true') {
    throw new Error(
      `MariaDB is required under CI=true but ${MARIADB_URL} is unreachable: ${unavailableReason}`,
    );
  }
  console.warn(`[skip] MariaDB integration tests skipped: ${MARIADB_URL} unreachable (${unavailableReason})`);
}

export const mariadbAvailable = unavailableReason === null;

/** Creates an empty database and returns its URL and a function that drops it. */
export async function createTestDatabase(
  prefix = 'catena_t',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MARIADB_URL });
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const url = new URL(MARIADB_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const conn = await mysql.createConnection({ uri: MARIADB_URL });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}
