/**
 * openStore on bad connection inputs: each gives its CatenaError code and a
 * sentence the operator can act on, with the driver's error as `cause` (and
 * at most a short excerpt of it in parentheses at the end).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatenaError } from '../../src/core/errors.ts';
import { connectMysql } from '../../src/core/store/mysql/connect.ts';
import { classifyMysqlError, type MysqlContext } from '../../src/core/store/mysql/errors.ts';
import { type OpenOptions, openStore } from '../../src/core/store/open.ts';
import { parseProfile } from '../../src/core/store/profile.ts';
import { createTestDatabase, MARIADB_URL, mariadbAvailable } from '../support/mariadb.ts';
import { elaboratedGrid, rawGrid, T0 } from './fixtures.ts';
import { removeTmp, sqliteSql, tmpFile } from './targets.ts';

afterAll(removeTmp);

async function openError(url: string, options?: OpenOptions): Promise<CatenaError> {
  const error = await openStore(url, options).then(
    async (store) => {
      await store.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(error, `openStore(${url}) should fail`).toBeInstanceOf(CatenaError);
  return error as CatenaError;
}

/** An operator sentence: not a bare driver message; the driver's text, if any, only in trailing parentheses. */
function expectOperatorMessage(error: CatenaError) {
  expect(error.message).not.toMatch(/^(Error|ER_|E[A-Z]+:|getaddrinfo|connect )/);
  expect(error.message.length).toBeGreaterThan(60);
}

describe.runIf(mariadbAvailable)('openStore on MariaDB: bad connection inputs', () => {
  const base = new URL(MARIADB_URL);
  const host = base.hostname;
  const port = Number(base.port || 3306);
  const user = `catena_u_${randomBytes(3).toString('hex')}`;
  const password = 'Right-Pass-1';
  let db: { url: string; drop: () => Promise<void> };
  let dbName = '';
  let admin: mysql.Connection;
  const url = (patch: {
    user?: string;
    password?: string;
    database?: string;
    port?: number;
    host?: string;
    query?: string;
  }) => {
    const u = encodeURIComponent(patch.user ?? user);
    const p = encodeURIComponent(patch.password ?? password);
    return `mysql://${u}:${p}@${patch.host ?? host}:${patch.port ?? port}/${patch.database ?? dbName}${patch.query ?? ''}`;
  };

  beforeAll(async () => {
    db = await createTestDatabase('catena_open');
    dbName = new URL(db.url).pathname.slice(1);
    admin = await mysql.createConnection({ uri: MARIADB_URL });
    // Only SELECT, and only on this test's database. Both host forms, as the server may see either.
    for (const h of ['%', 'localhost']) {
      await admin.query(`CREATE USER '${user}'@'${h}' IDENTIFIED BY '${password}'`);
      await admin.query(`GRANT SELECT ON \`${dbName}\`.* TO '${user}'@'${h}'`);
    }
  });

  afterAll(async () => {
    if (admin) {
      for (const h of ['%', 'localhost']) await admin.query(`DROP USER IF EXISTS '${user}'@'${h}'`);
      await admin.end();
    }
    await db?.drop();
  });

  it('unknown host → CONNECTION_UNKNOWN_HOST', async () => {
    const error = await openError(url({ host: 'nohost.invalid' }));
    expect(error.code).toBe('CONNECTION_UNKNOWN_HOST');
    expect(error.message).toMatch(
      /Cannot find the database server "nohost\.invalid".*host in the connection profile/,
    );
    expect(error.message).toMatch(/\((ENOTFOUND|EAI_AGAIN)[^)]*\)$/);
    expect(error.cause).toBeInstanceOf(Error);
    expectOperatorMessage(error);
  });

  it('nothing listening on the port → CONNECTION_REFUSED', async () => {
    const error = await openError(url({ host: '127.0.0.1', port: 1 }));
    expect(error.code).toBe('CONNECTION_REFUSED');
    expect(error.message).toMatch(
      /127\.0\.0\.1:1 refused the connection.*running there and listening on port 1/,
    );
    expectOperatorMessage(error);
  });

  it('a server that never answers → CONNECTION_TIMEOUT after connectTimeoutMs', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as net.AddressInfo).port;
    try {
      const started = performance.now();
      const error = await openError(url({ host: '127.0.0.1', port: silentPort }), { connectTimeoutMs: 400 });
      expect(error.code).toBe('CONNECTION_TIMEOUT');
      expect(error.message).toMatch(/did not answer within 0\.4 s/);
      expect(performance.now() - started).toBeLessThan(5000);
      expectOperatorMessage(error);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  it('wrong password → CONNECTION_ACCESS_DENIED', async () => {
    const error = await openError(url({ password: 'wrong' }));
    expect(error.code).toBe('CONNECTION_ACCESS_DENIED');
    expect(error.message).toMatch(new RegExp(`refused user "${user}": the password is wrong`));
    expect(error.message).not.toContain('wrong"'); // the password itself is not echoed
    expectOperatorMessage(error);
  });

  it('unknown database → CONNECTION_UNKNOWN_DATABASE', async () => {
    const error = await openError(
      url({
        user: base.username,
        password: decodeURIComponent(base.password),
        database: 'catena_no_such_db',
      }),
    );
    expect(error.code).toBe('CONNECTION_UNKNOWN_DATABASE');
    expect(error.message).toMatch(/no database "catena_no_such_db".*CREATE DATABASE `catena_no_such_db`/);
    expectOperatorMessage(error);
  });

  it('a database the user may not use → CONNECTION_PRIVILEGES with the GRANT', async () => {
    const other = await createTestDatabase('catena_open_other');
    try {
      const error = await openError(url({ database: new URL(other.url).pathname.slice(1) }));
      expect(error.code).toBe('CONNECTION_PRIVILEGES');
      expect(error.message).toMatch(
        new RegExp(`User "${user}" may not use database .*GRANT SELECT, INSERT, UPDATE, DELETE ON`),
      );
      expectOperatorMessage(error);
    } finally {
      await other.drop();
    }
  });

  it('migrating with only SELECT → CONNECTION_PRIVILEGES naming the table and the GRANT', async () => {
    const error = await openError(url({}), { migrate: true });
    expect(error.code).toBe('CONNECTION_PRIVILEGES');
    expect(error.subject.table).toBe('catena_schema_migrations');
    expect(error.message).toMatch(
      new RegExp(
        `lacks the CREATE privilege on table catena_schema_migrations.*GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX ON \`${dbName}\`\\.\\* TO '${user}'@`,
      ),
    );
    expectOperatorMessage(error);
  });

  it('writing with only SELECT → CONNECTION_PRIVILEGES naming the table (the store opens and reads)', async () => {
    const owner = await openStore(db.url, { migrate: true });
    await owner.close();
    const store = await openStore(url({}), { requireSchema: true });
    try {
      expect(await store.listChains()).toEqual([]);
      const key = { controlUnitCode: 'CU1', chain: 'A' };
      const write = await store
        .writeChunk({
          ...key,
          runId: 1,
          rows: elaboratedGrid(2, [1]),
          eventsFrom: T0,
          eventsTo: T0,
          events: [],
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(write).toMatchObject({
        code: 'CONNECTION_PRIVILEGES',
        subject: { table: 'elaborated_rsn_data' },
      });
      expect((write as Error).message).toMatch(
        /on table elaborated_rsn_data, needed for writing the elaborated rows of chain CU1-A.*GRANT/,
      );
      await expect(store.writeRaw(key, rawGrid(1, [1]))).rejects.toMatchObject({
        code: 'CONNECTION_PRIVILEGES',
        subject: { table: 'raw_rsn_data' },
      });
      await expect(
        store.startRun({ ...key, launchId: 'L', mode: 'full', spanFrom: null, spanTo: null, host: 'h' }),
      ).rejects.toMatchObject({ code: 'CONNECTION_PRIVILEGES', subject: { table: 'catena_runs' } });
    } finally {
      await store.close();
    }
  });

  it('LOAD DATA LOCAL refused → the store falls back to multi-row INSERT and keeps working', async () => {
    const profile = parseProfile(db.url);
    if (profile.kind !== 'mysql') throw new Error('expected a mysql profile');
    // The client does not offer LOAD DATA LOCAL, so the server refuses it, as one with local_infile=OFF would.
    const store = await connectMysql(profile, {
      connectTimeoutMs: 5000,
      connectionLimit: 2,
      bulkMethod: 'load-data',
      localInfile: false,
      lockWaitSeconds: 10,
    });
    try {
      await store.migrate();
      expect(store.writeMethod).toBe('load-data');
      const key = { controlUnitCode: 'CU7', chain: 'F' };
      await store.writeRaw(key, rawGrid(30, [1, 2, 3]));
      expect(store.writeMethod).toBe('insert');
      let rows = 0;
      for await (const chunk of store.readRaw({ ...key, from: null, to: null })) rows += chunk.length;
      expect(rows).toBe(90);
      await store.deleteChain(key);
    } finally {
      await store.close();
    }
  });

  it('TLS required by the profile, server without TLS → CONNECTION_TLS', async () => {
    const error = await openError(url({ query: '?tls=true' }));
    expect(error.code).toBe('CONNECTION_TLS');
    expect(error.message).toMatch(/requires TLS but the database server .* does not offer it/);
    expectOperatorMessage(error);
  });

  it('a database without the Catena tables, opened for use → NOT_A_CATENA_DATABASE', async () => {
    const empty = await createTestDatabase('catena_open_empty');
    try {
      const error = await openError(empty.url, { requireSchema: true });
      expect(error.code).toBe('NOT_A_CATENA_DATABASE');
      expect(error.message).toMatch(
        /missing: active_stations, rsn_nodes, raw_rsn_data, rsn_thresholds.*run `catena migrate`/,
      );
      expect(error.subject.table).toBe('active_stations');
    } finally {
      await empty.drop();
    }
  });

  it('a connection dropped in the middle of a query, and again on each retry → CONNECTION_LOST, and the store recovers', async () => {
    const store = await openStore(db.url, { migrate: true });
    const locker = await mysql.createConnection({ uri: db.url });
    try {
      // Hold active_stations so that listChains waits on the server, then kill its connection.
      await locker.query('LOCK TABLES active_stations WRITE');
      const listing = store.listChains().then(
        () => null,
        (e: unknown) => e,
      );
      // A read is run again on a fresh connection (twice): kill the first try and both retries.
      // A killed thread can linger in the process list for a moment: never pick the same one twice.
      const killed = new Set<number>();
      for (let attempt = 0; attempt < 3; attempt++) {
        let ids: number[] = [];
        for (let i = 0; i < 100 && ids.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
          const [rows] = await admin.query(
            'SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND INFO LIKE ?',
            [dbName, '%FROM active_stations ORDER BY%'],
          );
          ids = (rows as { ID: number }[]).map((r) => Number(r.ID)).filter((id) => !killed.has(id));
        }
        expect(ids.length).toBe(1);
        await admin.query(`KILL CONNECTION ${ids[0]}`);
        killed.add(ids[0]!);
      }
      const error = (await listing) as CatenaError;
      await locker.query('UNLOCK TABLES');
      expect(error).toBeInstanceOf(CatenaError);
      expect(error.code).toBe('CONNECTION_LOST');
      expect(error.message).toMatch(/connection to the database server .* was lost while listing the chains/);
      expectOperatorMessage(error);
      expect(await store.listChains()).toEqual([]); // the pool replaces the dead connection
    } finally {
      await locker.end();
      await store.close();
    }
  });

  it('a full wait queue refuses more statements at once with STORE_BUSY (HTTP 503), and the queued ones finish', async () => {
    const store = await openStore(db.url, { migrate: true, connectionLimit: 1, queueLimit: 2 });
    const locker = await mysql.createConnection({ uri: db.url });
    try {
      await locker.query('LOCK TABLES active_stations WRITE');
      // one statement holds the only connection (waiting for the lock), two wait in the queue, three are refused
      const outcomes = Array.from({ length: 6 }, () =>
        store.listChains().then(
          () => 'done',
          (e: unknown) => e,
        ),
      );
      await new Promise((r) => setTimeout(r, 200));
      await locker.query('UNLOCK TABLES');
      const settled = await Promise.all(outcomes);
      const refused = settled.filter((o) => o instanceof CatenaError) as CatenaError[];
      expect(settled.filter((o) => o === 'done')).toHaveLength(3);
      expect(refused.map((e) => e.code)).toEqual(['STORE_BUSY', 'STORE_BUSY', 'STORE_BUSY']);
      expect(refused[0]!.message).toMatch(
        /too many requests waiting for the database server .* try again in a moment/,
      );
      expect(refused[0]!.transient).toBe(true);
    } finally {
      await locker.end();
      await store.close();
    }
  });
});

describe('openStore on SQLite: bad files', () => {
  it('a file that is not a SQLite database → NOT_A_CATENA_DATABASE', async () => {
    const path = tmpFile('text');
    writeFileSync(path, 'controlUnitCode;chain\nCU001;A\n'.repeat(200));
    const error = await openError(`sqlite:${path}`);
    expect(error.code).toBe('NOT_A_CATENA_DATABASE');
    expect(error.message).toMatch(/is not a SQLite database.*Choose the Catena database file/);
    expect(error.message).toMatch(/\(SQLITE_NOTADB: file is not a database\)$/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a folder → CONNECTION_UNKNOWN_DATABASE', async () => {
    const folder = tmpFile('folder').replace(/\.db$/, '');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    const error = await openError(`sqlite:${folder}`);
    expect(error.code).toBe('CONNECTION_UNKNOWN_DATABASE');
    expect(error.message).toMatch(/is a folder, not a database file/);
  });

  it('a file in a folder that does not exist → CONNECTION_UNKNOWN_DATABASE', async () => {
    const error = await openError(`sqlite:${tmpFile('x').replace(/\.db$/, '')}/missing/site.db`);
    expect(error.code).toBe('CONNECTION_UNKNOWN_DATABASE');
    expect(error.message).toMatch(/the folder .*missing does not exist/);
  });

  it('opened for use: a missing file is not created → CONNECTION_UNKNOWN_DATABASE', async () => {
    const path = tmpFile('absent');
    const error = await openError(`sqlite:${path}`, { requireSchema: true });
    expect(error.code).toBe('CONNECTION_UNKNOWN_DATABASE');
    expect(error.message).toMatch(/does not exist.*catena migrate/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path)).toBe(false);
  });

  it('opened for use: a SQLite file of another application → NOT_A_CATENA_DATABASE', async () => {
    const path = tmpFile('other');
    const sql = sqliteSql(path);
    await sql.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    await sql.close();
    const error = await openError(`sqlite:${path}`, { requireSchema: true });
    expect(error.code).toBe('NOT_A_CATENA_DATABASE');
    expect(error.message).toMatch(/is not a Catena database.*run `catena migrate`/);
  });

  it('relative paths resolve against baseDir', async () => {
    const path = tmpFile('relative');
    const { basename, dirname } = await import('node:path');
    const store = await openStore(`sqlite:${basename(path)}`, { baseDir: dirname(path), migrate: true });
    expect(store.info.location).toBe(`sqlite:${basename(path)}`);
    await store.close();
    const again = await openStore(`sqlite:${path}`, { requireSchema: true });
    await again.close();
  });
});

describe('error classification for failures this test server cannot produce', () => {
  const ctx: MysqlContext = {
    host: 'db.example',
    port: 3306,
    user: 'catena',
    database: 'mon',
    connectTimeoutMs: 10_000,
  };
  const driverError = (fields: Record<string, unknown>) =>
    Object.assign(new Error(String(fields.message ?? 'x')), fields);
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    [
      'an untrusted server certificate',
      { code: 'HANDSHAKE_SSL_ERROR', message: 'self-signed certificate in certificate chain' },
      'CONNECTION_TLS',
      /certificate is not trusted.*tls\.ca/,
    ],
    [
      'a certificate for another host',
      { code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" },
      'CONNECTION_TLS',
      /does not match the host name/,
    ],
    [
      'DNS not answering',
      { code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN db.example' },
      'CONNECTION_UNKNOWN_HOST',
      /db\.example/,
    ],
    [
      'no route to the host',
      { code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH' },
      'CONNECTION_TIMEOUT',
      /did not answer within 10 s/,
    ],
    [
      'the server restarting',
      { errno: 1053, code: 'ER_SERVER_SHUTDOWN', message: 'Server shutdown in progress' },
      'CONNECTION_LOST',
      /was lost while reading/,
    ],
    ['a reset connection', { code: 'ECONNRESET', message: 'read ECONNRESET' }, 'CONNECTION_LOST', /was lost/],
    [
      'too many connections',
      { errno: 1040, code: 'ER_CON_COUNT_ERROR', message: 'Too many connections' },
      'CONNECTION_REFUSED',
      /max_connections/,
    ],
    [
      'a read-only server',
      {
        errno: 1290,
        code: 'ER_OPTION_PREVENTS_STATEMENT',
        message: 'The MariaDB server is running with the --read-only option',
      },
      'CONNECTION_PRIVILEGES',
      /read-only.*primary/,
    ],
    [
      'a missing table',
      { errno: 1146, code: 'ER_NO_SUCH_TABLE', message: "Table 'mon.catena_runs' doesn't exist" },
      'NOT_A_CATENA_DATABASE',
      /Table catena_runs does not exist.*catena migrate/,
    ],
    [
      'MySQL 8 privilege message',
      {
        errno: 1142,
        code: 'ER_TABLEACCESS_DENIED_ERROR',
        message: "UPDATE command denied to user 'catena'@'10.0.0.5' for table 'rsn_alarm_events'",
      },
      'CONNECTION_PRIVILEGES',
      /lacks the UPDATE privilege on table rsn_alarm_events.*TO 'catena'@'10\.0\.0\.5'/,
    ],
  ];
  for (const [name, fields, code, message] of cases) {
    it(`${name} → ${code}`, () => {
      const cause = driverError(fields);
      const error = classifyMysqlError(cause, ctx, 'reading the raw rows of chain CU001-A');
      expect(error?.code).toBe(code);
      expect(error?.message).toMatch(message);
      expect(error?.cause).toBe(cause);
    });
  }
  it('an unknown failure is not classified (it is a bug, logged with its stack)', () => {
    expect(
      classifyMysqlError(driverError({ errno: 1064, code: 'ER_PARSE_ERROR', message: 'syntax' }), ctx, 'x'),
    ).toBeNull();
  });
});
