/**
 * The databases the store suites run against: a temporary SQLite file, and
 * (when the server is there) a fresh MariaDB database per test file, once
 * with LOAD DATA LOCAL and once with the multi-row INSERT fallback. Each
 * target also gives raw SQL access, as "another program" would have.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import mysql from 'mysql2/promise';
import { type CatenaStore, type OpenOptions, openStore } from '../../src/core/store/open.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

/** Raw SQL on the target's database, outside the store. */
export interface RawSql {
  exec(sql: string, params?: (string | number | null)[]): Promise<void>;
  rows(sql: string, params?: (string | number | null)[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface Opened {
  store: CatenaStore;
  url: string;
  sql: RawSql;
  /** closes everything and removes the database */
  drop(): Promise<void>;
}

export interface Target {
  name: string;
  dialect: 'sqlite' | 'mysql';
  /** MySQL: the bulk write method the store must use */
  bulkMethod?: 'load-data' | 'insert';
  available: boolean;
  /** a new empty database (no tables), and a store open on it */
  create(options?: OpenOptions): Promise<Opened>;
}

let tmp: string | null = null;
let counter = 0;

function tmpDir(): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'catena-store-'));
  return tmp;
}

export function removeTmp(): void {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}

/** A new SQLite file path in this run's temporary folder. */
export function tmpFile(name = 'db'): string {
  return join(tmpDir(), `${name}-${process.pid}-${counter++}.db`);
}

export function sqliteSql(path: string): RawSql {
  const db = new DatabaseSync(path, { timeout: 5000 });
  return {
    exec: async (sql, params = []) => {
      if (params.length === 0) db.exec(sql);
      else db.prepare(sql).run(...params);
    },
    rows: async (sql, params = []) => db.prepare(sql).all(...params) as Record<string, unknown>[],
    close: async () => {
      if (db.isOpen) db.close();
    },
  };
}

export async function mysqlSql(url: string): Promise<RawSql> {
  const conn = await mysql.createConnection({ uri: url, supportBigNumbers: true, dateStrings: true });
  return {
    exec: async (sql, params = []) => {
      await conn.query(sql, params);
    },
    rows: async (sql, params = []) => {
      const [rows] = await conn.query(sql, params);
      return rows as Record<string, unknown>[];
    },
    close: async () => {
      await conn.end();
    },
  };
}

export const SQLITE: Target = {
  name: 'sqlite',
  dialect: 'sqlite',
  available: true,
  create: async (options = {}) => {
    const path = tmpFile();
    const url = `sqlite:${path}`;
    const sql = sqliteSql(path);
    const store = await openStore(url, options);
    return {
      store,
      url,
      sql,
      drop: async () => {
        await store.close();
        await sql.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      },
    };
  },
};

function mysqlTarget(name: string, bulkMethod: 'load-data' | 'insert'): Target {
  return {
    name,
    dialect: 'mysql',
    bulkMethod,
    available: mariadbAvailable,
    create: async (options = {}) => {
      const db = await createTestDatabase('catena_store');
      const sql = await mysqlSql(db.url);
      const store = await openStore(db.url, { bulkMethod, ...options });
      return {
        store,
        url: db.url,
        sql,
        drop: async () => {
          await store.close();
          await sql.close();
          await db.drop();
        },
      };
    },
  };
}

export const MYSQL = mysqlTarget('mysql (LOAD DATA)', 'load-data');
export const MYSQL_INSERT = mysqlTarget('mysql (INSERT fallback)', 'insert');

export const TARGETS: Target[] = [SQLITE, MYSQL, MYSQL_INSERT];
/** One target per dialect, for suites where the bulk method does not matter. */
export const DIALECTS: Target[] = [SQLITE, MYSQL];
