/** The private MariaDB harness itself: start, query, restart, freeze/thaw, killConnections, destroy. */
import { existsSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateMariadb, privateMariadbAvailable, startPrivateMariadb } from './private-mariadb.ts';

/** The error of `promise`, or fails the test when it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; errno?: number }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'should have failed').toBeInstanceOf(Error);
  return error as Error & { code?: string };
}

async function one(conn: mysql.Connection, sql: string): Promise<unknown> {
  const [rows] = await conn.query({ sql, rowsAsArray: true });
  return (rows as unknown[][])[0]?.[0];
}

describe.runIf(privateMariadbAvailable())('private MariaDB harness', () => {
  let server: PrivateMariadb;

  beforeAll(async () => {
    server = await startPrivateMariadb();
  });

  afterAll(async () => {
    await server?.destroy();
  });

  it('starts with database catena, root without password, LOAD DATA LOCAL allowed', async () => {
    expect(server.url).toBe(`mysql://root@127.0.0.1:${server.port}/catena`);
    expect(server.running).toBe(true);
    expect(server.pid).toBeGreaterThan(0);
    expect(existsSync(`${server.dir}/data`)).toBe(true);
    const conn = await server.connect();
    try {
      expect(await one(conn, 'SELECT DATABASE()')).toBe('catena');
      expect(Number(await one(conn, 'SELECT @@local_infile'))).toBe(1);
      expect(Number(await one(conn, 'SELECT @@port'))).toBe(server.port);
      await conn.query('CREATE TABLE t (id INT PRIMARY KEY)');
      await conn.query('INSERT INTO t VALUES (1), (2)');
      expect(Number(await one(conn, 'SELECT COUNT(*) FROM t'))).toBe(2);
    } finally {
      await conn.end();
    }
  });

  it('restart: connections fail while the server is down, work after, and the data is kept', async () => {
    const before = server.pid;
    let downError: (Error & { code?: string }) | null = null;
    await server.restart({
      downMs: 300,
      whileDown: async () => {
        expect(server.running).toBe(false);
        downError = await failure(server.connect({ connectTimeoutMs: 1000 }));
      },
    });
    expect(downError!.code).toBe('ECONNREFUSED');
    expect(server.running).toBe(true);
    expect(server.pid).not.toBe(before);
    const conn = await server.connect();
    try {
      expect(Number(await one(conn, 'SELECT COUNT(*) FROM t'))).toBe(2);
    } finally {
      await conn.end();
    }
  });

  it('restart after a crash (SIGKILL): InnoDB recovers the committed rows', async () => {
    await server.restart({ signal: 'SIGKILL' });
    const conn = await server.connect();
    try {
      expect(Number(await one(conn, 'SELECT COUNT(*) FROM t'))).toBe(2);
    } finally {
      await conn.end();
    }
  });

  it('freeze: a query with a short timeout times out, a new connection too; thaw: it answers again', async () => {
    const conn = await server.connect();
    try {
      await server.freeze();
      expect(server.frozen).toBe(true);
      const started = performance.now();
      const error = await failure(conn.query({ sql: 'SELECT 1', timeout: 300 }));
      expect(error.code).toBe('PROTOCOL_SEQUENCE_TIMEOUT');
      expect(performance.now() - started).toBeLessThan(3000);
      const connectError = await failure(server.connect({ connectTimeoutMs: 300 }));
      expect(connectError.code).toBe('ETIMEDOUT');
    } finally {
      await server.thaw();
      conn.destroy();
    }
    expect(server.frozen).toBe(false);
    const again = await server.connect();
    try {
      expect(Number(await one(again, 'SELECT 1'))).toBe(1);
    } finally {
      await again.end();
    }
  });

  it('killConnections kills the connections the filter accepts, not the others', async () => {
    const victim = await server.connect();
    const bystander = await server.connect({ database: null });
    const victimId = Number(await one(victim, 'SELECT CONNECTION_ID()'));
    const bystanderId = Number(await one(bystander, 'SELECT CONNECTION_ID()'));
    const victimLost = new Promise<Error>((resolve) => victim.on('error', resolve));
    try {
      const killed = await server.killConnections((c) => c.db === 'catena');
      expect(killed.map((c) => c.id)).toEqual([victimId]);
      expect(killed[0]).toMatchObject({ user: 'root', db: 'catena' });
      const lost = (await victimLost) as Error & { code?: string; errno?: number };
      expect(lost.errno === 1927 || lost.code === 'PROTOCOL_CONNECTION_LOST').toBe(true);
      expect(Number(await one(bystander, 'SELECT 1'))).toBe(1);
      // Without a filter: every client connection but the admin connection itself.
      const all = await server.killConnections();
      expect(all.map((c) => c.id)).toContain(bystanderId);
    } finally {
      victim.destroy();
      bystander.destroy();
    }
  });

  it('destroy stops the server and removes its folder', async () => {
    const other = await startPrivateMariadb();
    const { dir, port } = other;
    await other.destroy();
    expect(other.running).toBe(false);
    expect(existsSync(dir)).toBe(false);
    const error = await failure(
      (async () => {
        const conn = await mysql.createConnection({
          host: '127.0.0.1',
          port,
          user: 'root',
          connectTimeout: 1000,
        });
        await conn.end();
      })(),
    );
    expect(error.code).toBe('ECONNREFUSED');
  });
});
