/**
 * Passwords never on the command line: `--db` without the password, taken
 * from CATENA_DB_PASSWORD or CATENA_DB_PASSWORD_FILE; a password given in
 * `--db` still works but is warned about.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabasePassword } from '../../src/core/store/password.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'catena-pw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('withDatabasePassword', () => {
  it('adds the password from the environment to a MySQL URL without one, encoded', () => {
    expect(withDatabasePassword('mysql://op@db:3306/m', { CATENA_DB_PASSWORD: 'p@ss:w/rd' })).toBe(
      'mysql://op:p%40ss%3Aw%2Frd@db:3306/m',
    );
    const file = join(tmp, 'secret');
    writeFileSync(file, 's3cret\n');
    expect(withDatabasePassword('mysql://op@db/m', { CATENA_DB_PASSWORD_FILE: file })).toBe(
      'mysql://op:s3cret@db/m',
    );
  });
  it('leaves a URL that has a password, an SQLite URL and an empty environment alone', () => {
    expect(withDatabasePassword('mysql://op:given@db/m', { CATENA_DB_PASSWORD: 'x' })).toBe(
      'mysql://op:given@db/m',
    );
    expect(withDatabasePassword('sqlite:/tmp/a.db', { CATENA_DB_PASSWORD: 'x' })).toBe('sqlite:/tmp/a.db');
    expect(withDatabasePassword('mysql://op@db/m', {})).toBe('mysql://op@db/m');
  });
  it('a password file that cannot be read is a clear error', () => {
    expect(() =>
      withDatabasePassword('mysql://op@db/m', { CATENA_DB_PASSWORD_FILE: join(tmp, 'none') }),
    ).toThrow(/cannot read the database password from CATENA_DB_PASSWORD_FILE/);
  });
});

describe.runIf(mariadbAvailable)('the CLI with a user that has a password', () => {
  let db: { url: string; drop: () => Promise<void> };
  const user = `catena_pw_${process.pid}`;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase('catena_pw');
    const admin = await mysql.createConnection({ uri: db.url });
    const name = new URL(db.url).pathname.slice(1);
    for (const host of ['%', 'localhost']) {
      await admin.query(`CREATE USER IF NOT EXISTS '${user}'@'${host}' IDENTIFIED BY 'Secr3t!pw'`);
      await admin.query(`GRANT ALL ON \`${name}\`.* TO '${user}'@'${host}'`);
    }
    await admin.end();
    const u = new URL(db.url);
    u.username = user;
    url = u.toString();
  });
  afterAll(async () => {
    const admin = await mysql.createConnection({ uri: db.url });
    for (const host of ['%', 'localhost']) await admin.query(`DROP USER IF EXISTS '${user}'@'${host}'`);
    await admin.end();
    await db.drop();
  });

  const catena = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [join(root, 'bin', 'catena.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, CATENA_HOME: join(tmp, 'home'), CATENA_DB_PASSWORD: '', ...env },
      timeout: 120_000,
    });

  it('--db without the password connects with CATENA_DB_PASSWORD, and says nothing about it', () => {
    const r = catena(['migrate', '--db', url], { CATENA_DB_PASSWORD: 'Secr3t!pw' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('without any password the server refuses the user, in one sentence', () => {
    const r = catena(['stations', '--db', url], {});
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/refused user "catena_pw_\d+": the password is wrong/);
  });

  it('a password inside --db works but is warned about', () => {
    const u = new URL(url);
    u.password = 'Secr3t!pw';
    const r = catena(['migrate', '--db', u.toString()], {});
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: the password in --db is visible to every user of this computer/);
  });
});
