/**
 * Switching the service's database at runtime (the connection manager):
 * SQLite files and a real MariaDB database, a failure of each kind leaving
 * the current database in use with one sentence that says what to do, no
 * switch while a launch runs, and an offline snapshot opened read-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/core/engine/events.ts';
import { takeSnapshot } from '../../src/core/export/snapshot.ts';
import { openCatenaService } from '../../src/core/service/service.ts';
import type { CatenaService } from '../../src/core/service/types.ts';
import { openStore } from '../../src/core/store/open.ts';
import { A, A_NODES, B, seed } from '../export/seed.ts';
import { rawGrid } from '../store/fixtures.ts';
import { removeTmp, tmpFile } from '../store/targets.ts';
import { createTestDatabase, MARIADB_URL, mariadbAvailable } from '../support/mariadb.ts';

let first = '';
let second = '';
let mariadb: { url: string; drop: () => Promise<void> } | null = null;

/** A Catena database: the seeded chains, and raw readings for A so that it can be launched. */
async function seeded(url: string): Promise<void> {
  const store = await openStore(url, { migrate: true });
  try {
    await seed(store);
    await store.writeRaw(A, rawGrid(30, A_NODES));
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  first = `sqlite:${tmpFile('connect-first')}`;
  second = `sqlite:${tmpFile('connect-second')}`;
  await seeded(first);
  const other = await openStore(second, { migrate: true });
  await other.close();
  if (mariadbAvailable) {
    mariadb = await createTestDatabase('connect');
    await seeded(mariadb.url);
  }
});

afterAll(async () => {
  await mariadb?.drop();
  removeTmp();
});

function launchFinished(service: CatenaService, launchId: string): Promise<EngineEvent> {
  return new Promise((resolve) => {
    const off = service.onEvent((event) => {
      if (event.type === 'launch-finished' && event.launchId === launchId) {
        off();
        resolve(event);
      }
    });
  });
}

describe('switching the database at runtime', () => {
  it('SQLite to another SQLite and back; listeners keep receiving the new database’s events', async () => {
    const service = await openCatenaService({ db: first });
    const seen: string[] = [];
    const off = service.onEvent((event) => seen.push(event.type));
    try {
      expect((await service.listChains()).length).toBe(3);
      const tested = await service.testConnection({ url: second });
      expect(tested).toMatchObject({ kind: 'sqlite', location: second, readOnly: false, snapshot: null });
      // testing does not switch
      expect(service.info().location).toBe(first);

      expect(await service.connect({ kind: 'sqlite', path: second.slice('sqlite:'.length) })).toMatchObject({
        location: second,
      });
      expect(service.info().location).toBe(second);
      expect(await service.listChains()).toEqual([]);

      await service.connect(first);
      expect(service.info().location).toBe(first);
      const { launchId } = await service.launch({ chains: [A], mode: 'full' });
      await launchFinished(service, launchId);
      expect(seen).toContain('launch-started');
      expect(seen).toContain('launch-finished');
      expect((await service.listRuns({ launchId })).map((r) => r.status)).toEqual(['succeeded']);
    } finally {
      off();
      await service.close();
    }
  });

  it.skipIf(!mariadbAvailable)('SQLite to MariaDB and back', async () => {
    const service = await openCatenaService({ db: second });
    try {
      const info = await service.connect({ url: mariadb!.url });
      expect(info).toMatchObject({ kind: 'mysql', readOnly: false, snapshot: null });
      expect((await service.listChains()).map((c) => `${c.controlUnitCode}-${c.chain}`)).toEqual([
        'CU001-A',
        'CU002-B',
        'CU003-C',
      ]);
      expect((await service.events({ key: A, limit: 5 })).length).toBe(5);
      await service.connect(second);
      expect(await service.listChains()).toEqual([]);
    } finally {
      await service.close();
    }
  });

  it.skipIf(!mariadbAvailable)(
    'a wrong password, an unknown database, a refused port, TLS the server lacks: one sentence each, the current database stays',
    async () => {
      const service = await openCatenaService({ db: first });
      const base = new URL(MARIADB_URL);
      const fields = {
        kind: 'mysql' as const,
        host: base.hostname,
        port: Number(base.port || 3306),
        user: decodeURIComponent(base.username),
        database: new URL(mariadb!.url).pathname.slice(1),
      };
      try {
        const cases: [string, unknown, string, RegExp][] = [
          [
            'wrong password',
            { ...fields, password: 'not-the-password' },
            'CONNECTION_ACCESS_DENIED',
            /password/i,
          ],
          [
            'unknown database',
            { ...fields, database: 'catena_no_such_db' },
            'CONNECTION_UNKNOWN_DATABASE',
            /catena_no_such_db/,
          ],
          ['refused', { ...fields, port: 1 }, 'CONNECTION_REFUSED', /refused|running/i],
          [
            'no such file',
            { kind: 'sqlite', path: tmpFile('missing') },
            'CONNECTION_UNKNOWN_DATABASE',
            /does not exist/,
          ],
          [
            'bad profile',
            { kind: 'mysql', host: 'db', user: '', database: 'x' },
            'PROFILE_INVALID',
            /user is empty/,
          ],
        ];
        for (const [name, profile, code, words] of cases) {
          for (const attempt of [() => service.testConnection(profile), () => service.connect(profile)]) {
            const error = await attempt().then(
              () => null,
              (e: unknown) => e as { code: string; message: string },
            );
            expect(error?.code, name).toBe(code);
            expect(error?.message, name).toMatch(words);
            // a sentence for the operator, no stack
            expect(error?.message, name).not.toMatch(/\n|\.ts:\d/);
          }
          expect(service.info().location, name).toBe(first);
        }
        const tls = await service.connect({ ...fields, tls: true }).then(
          () => null,
          (e: unknown) => e as { code: string; message: string },
        );
        // a server without TLS: the error says so (or, if it has TLS, its certificate is not trusted)
        expect(tls?.code).toBe('CONNECTION_TLS');
        expect(service.info().location).toBe(first);
        expect((await service.listChains()).length).toBe(3);
      } finally {
        await service.close();
      }
    },
  );

  it('refused while a launch runs, with what to do', async () => {
    const service = await openCatenaService({ db: first });
    try {
      const { launchId } = await service.launch({ chains: [A], mode: 'full' });
      await expect(service.connect(second)).rejects.toMatchObject({
        code: 'LAUNCH_RUNNING',
        message: expect.stringMatching(/wait for it to end \(or cancel it\), then switch/),
      });
      expect(service.info().location).toBe(first);
      await service.whenDone(launchId);
      await service.connect(second);
      expect(service.info().location).toBe(second);
    } finally {
      await service.close();
    }
  });

  it('an offline snapshot: read-only, where and when it was taken, a launch is refused', async () => {
    const path = tmpFile('connect-snapshot');
    const source = await openStore(first);
    const target = await openStore(`sqlite:${path}`, { migrate: true, snapshotWrites: true });
    let takenAt = 0;
    try {
      takenAt = (await takeSnapshot(source, target, { chains: [A, B] })).takenAt;
    } finally {
      await target.close();
      await source.close();
    }
    const service = await openCatenaService({ db: first });
    try {
      const info = await service.connect(path);
      expect(info).toMatchObject({
        kind: 'sqlite',
        readOnly: true,
        snapshot: { source: first, takenAt, chains: ['CU001-A', 'CU002-B'], status: 'succeeded' },
      });
      expect(service.info()).toEqual(info);
      expect((await service.listChains()).length).toBe(2);
      await expect(service.launch({ chains: [A], mode: 'incremental' })).rejects.toMatchObject({
        code: 'READ_ONLY',
        message: expect.stringMatching(/offline snapshot of sqlite:.* taken at .*: it shows results only/),
      });
      await expect(
        service.notifications.addRule({
          controlUnitCode: null,
          chain: null,
          minLevel: 1,
          metric: null,
          channel: 'email',
          target: 'ops@example.org',
        }),
      ).rejects.toMatchObject({ code: 'READ_ONLY' });
      // opened directly too (catena serve --db, npm start -- --db)
      const direct = await openCatenaService({ db: path });
      try {
        expect(direct.info().readOnly).toBe(true);
        expect(direct.info().snapshot?.takenAt).toBe(takenAt);
      } finally {
        await direct.close();
      }
    } finally {
      await service.close();
    }
  });

  it('Take offline: a snapshot taken in the background, with progress, then opened read-only; one at a time', async () => {
    const service = await openCatenaService({ db: first });
    const out = tmpFile('connect-offline');
    try {
      const started = await service.takeSnapshot({ out, chains: [A, B] });
      expect(started).toMatchObject({ out, state: 'running' });
      await expect(service.takeSnapshot({ out: tmpFile('again') })).rejects.toMatchObject({
        code: 'LAUNCH_RUNNING',
      });
      await expect(service.connect(second)).rejects.toMatchObject({ code: 'LAUNCH_RUNNING' });
      let job = service.snapshotStatus();
      for (let i = 0; i < 200 && job?.state === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = service.snapshotStatus();
      }
      expect(job).toMatchObject({
        out,
        state: 'succeeded',
        progress: { chain: 'CU002-B', chainNumber: 2, chains: 2 },
      });
      expect(job?.message).toMatch(/^Snapshot of sqlite:.* taken .*: 2 chains, \d+ new elaborated rows, in /);
      expect(service.cancelSnapshot()).toBe(false);
      const info = await service.connect(out);
      expect(info).toMatchObject({
        readOnly: true,
        snapshot: { source: first, chains: ['CU001-A', 'CU002-B'] },
      });
      // a snapshot onto the database in use is refused
      await expect(service.takeSnapshot({ out })).rejects.toMatchObject({ code: 'PROFILE_INVALID' });
    } finally {
      await service.close();
    }
  });

  it('Take offline: cancelled, it says what stays', async () => {
    const service = await openCatenaService({ db: first });
    const out = tmpFile('connect-offline-cancel');
    try {
      await service.takeSnapshot({ out, chains: [A] });
      expect(service.cancelSnapshot()).toBe(true);
      let job = service.snapshotStatus();
      for (let i = 0; i < 200 && job?.state === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = service.snapshotStatus();
      }
      expect(job).toMatchObject({ state: 'cancelled' });
      expect(job?.message).toMatch(/Snapshot cancelled; what was copied stays in .*goes on from there/);
    } finally {
      await service.close();
    }
  });
});
