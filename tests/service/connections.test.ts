/**
 * The connection manager's memory (connections.json): most recent first,
 * one entry per target, passwords only encrypted by the host's secret box,
 * not stored at all without one; and the service connecting to a remembered
 * connection with its decrypted password.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectionBook } from '../../src/core/service/connections.ts';
import { openCatenaService } from '../../src/core/service/service.ts';
import type { SecretBox } from '../../src/core/service/types.ts';
import { openStore } from '../../src/core/store/open.ts';
import { removeTmp, tmpFile } from '../store/targets.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

/** A reversible box standing in for safeStorage (Electron is not in this process). */
const box: SecretBox = {
  unavailable: () => null,
  encrypt: (plain) => Buffer.from(`sealed:${plain}`).toString('base64'),
  decrypt: (sealed) =>
    Buffer.from(sealed, 'base64')
      .toString()
      .replace(/^sealed:/, ''),
};
const mysql = (database: string, password: string) => ({
  kind: 'mysql' as const,
  host: 'db.example',
  port: 3306,
  user: 'catena',
  password,
  database,
});

afterAll(() => removeTmp());

describe('remembered connections', () => {
  it('most recent first, one entry per target; a password only encrypted', () => {
    const file = tmpFile('connections').replace(/\.db$/, '.json');
    const book = new ConnectionBook(file, box);
    book.remember({ kind: 'sqlite', path: '/data/site.db' }, 100);
    const id = book.remember(mysql('monitoring', 'pa55word'), 200);
    book.remember({ kind: 'sqlite', path: '/data/site.db' }, 300);
    const list = book.list();
    expect(list).toMatchObject({ canStorePasswords: true, passwordNote: null });
    expect(list.connections.map((c) => [c.label, c.hasPassword, c.lastUsedAt])).toEqual([
      ['sqlite:/data/site.db', false, 300],
      ['mysql://catena@db.example:3306/monitoring', true, 200],
    ]);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('pa55word');
    expect(book.profile(id)).toEqual(mysql('monitoring', 'pa55word'));
    // connecting from the list keeps the stored password
    book.remember(mysql('monitoring', ''), 400, true);
    expect(book.profile(id)).toEqual(mysql('monitoring', 'pa55word'));
    expect(book.forget(id)).toBe(true);
    expect(book.forget(id)).toBe(false);
    expect(() => book.profile(id)).toThrow(/no longer in the list of recent connections; enter it again/);
  });

  it('without a secret box, or one that cannot encrypt: the password is not stored, and that is said', () => {
    for (const [secrets, note] of [
      [null, /cannot encrypt passwords, so it does not store them/],
      [{ ...box, unavailable: () => 'No keychain is running.' }, /No keychain/],
    ] as const) {
      const file = tmpFile('connections').replace(/\.db$/, '.json');
      const book = new ConnectionBook(file, secrets);
      const id = book.remember(mysql('monitoring', 'pa55word'), 100);
      expect(book.list()).toMatchObject({
        canStorePasswords: false,
        passwordNote: expect.stringMatching(note),
      });
      expect(book.list().connections[0]!.hasPassword).toBe(false);
      expect(readFileSync(file, 'utf8')).not.toContain('pa55word');
      expect(book.profile(id)).toEqual(mysql('monitoring', ''));
    }
  });

  it('a damaged file is set aside and the list starts again', () => {
    const file = tmpFile('connections').replace(/\.db$/, '.json');
    writeFileSync(file, '{"version":1,"connections":[{"id":5}]}');
    const book = new ConnectionBook(file, box);
    expect(book.list().connections).toEqual([]);
    expect(readdirSync(dirname(file)).some((f) => f.includes('.damaged-'))).toBe(true);
    book.remember({ kind: 'sqlite', path: '/x.db' }, 1);
    expect(book.list().connections).toHaveLength(1);
  });

  it.skipIf(!mariadbAvailable)(
    'the service remembers what it connected to, and connects to a remembered one with its stored password',
    async () => {
      const start = `sqlite:${tmpFile('connections-start')}`;
      await (await openStore(start, { migrate: true })).close();
      const db = await createTestDatabase('remembered');
      const file = tmpFile('connections').replace(/\.db$/, '.json');
      const service = await openCatenaService({ db: start, connections: { file, secrets: box } });
      try {
        await (await openStore(db.url, { migrate: true })).close();
        const url = new URL(db.url);
        const fields = {
          kind: 'mysql' as const,
          host: url.hostname,
          port: Number(url.port || 3306),
          user: decodeURIComponent(url.username),
          database: url.pathname.slice(1),
        };
        await service.connect({ ...fields, password: decodeURIComponent(url.password) });
        let list = await service.connections();
        expect(list.connections.map((c) => c.kind)).toEqual(['mysql', 'sqlite']);
        expect(list.connections[1]!.label).toBe(start);
        // back to the start database, then to the remembered MariaDB one by its id
        await service.connect({ id: list.connections[1]!.id });
        expect(service.info().location).toBe(start);
        list = await service.connections();
        const remembered = list.connections.find((c) => c.kind === 'mysql')!;
        expect((await service.connect({ id: remembered.id })).kind).toBe('mysql');
        // a wrong password stored for it: the stored password is the one used, and refused
        const book = new ConnectionBook(file, box);
        book.remember({ ...fields, password: 'not-the-password' }, 1);
        await service.connect(start);
        await expect(service.connect({ id: remembered.id })).rejects.toMatchObject({
          code: 'CONNECTION_ACCESS_DENIED',
        });
        expect(service.info().location).toBe(start);
        expect(existsSync(file)).toBe(true);
      } finally {
        await service.close();
        await db.drop();
      }
    },
  );
});
