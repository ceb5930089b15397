/**
 * Acknowledging alarm events through the service and every host, on SQLite
 * and MariaDB: the service (given events, or all open ones; the first
 * acknowledgement stays; a missing name and an unknown chain are refused),
 * the REST route over real HTTP (the given name without a token, the token's
 * name with one), and `catena ack` as a real process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { methods } from '../../src/contract/methods.ts';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { openCatenaService } from '../../src/core/service/service.ts';
import type { CatenaService } from '../../src/core/service/types.ts';
import { openStore } from '../../src/core/store/open.ts';
import { buildServer } from '../../src/server/app.ts';
import { event, node, STEP, station, T0 } from '../store/fixtures.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'catena-ack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const A: ChainKey = { controlUnitCode: 'CU001', chain: 'A' };
const TOKEN = 'ack-test-token-0123456789abcdef';

/** Chain A with four events: two cumulative, one velocity, one tilt. */
const EVENTS = [
  event('cumulative_mm', T0 + STEP, 1),
  event('cumulative_mm', T0 + 5 * STEP, 2, 1),
  event('velocity_mm_per_day', T0 + 2 * STEP, 1),
  event('tilt_deg', T0 + 3 * STEP, 0, 1),
];

async function seed(url: string): Promise<void> {
  const store = await openStore(url, { migrate: true });
  try {
    await store.deleteChain(A);
    await store.upsertStation(station(A));
    await store.replaceChainConfig(A, [node(A, 1), node(A, 2), node(A, 3)], []);
    const runId = await store.startRun({
      ...A,
      launchId: 'seed',
      mode: 'full',
      spanFrom: null,
      spanTo: null,
      host: 'test',
    });
    await store.writeChunk({
      ...A,
      runId,
      rows: { ...emptyRows() },
      eventsFrom: T0,
      eventsTo: T0 + 10 * STEP,
      events: EVENTS,
    });
  } finally {
    await store.close();
  }
}

function emptyRows() {
  const f = () => new Float64Array(0);
  return {
    length: 0,
    timestamp: f(),
    nodeIndex: new Int32Array(0),
    alphaX: f(),
    alphaY: f(),
    temperature: f(),
    dispX: f(),
    dispY: f(),
    cumX: f(),
    cumY: f(),
    cumR: f(),
    velR: f(),
    flags: new Int32Array(0),
  };
}

const kinds = [
  { kind: 'sqlite', available: true },
  { kind: 'mysql', available: mariadbAvailable },
] as const;

for (const { kind, available } of kinds) {
  describe.runIf(available)(`acknowledging alarm events on ${kind}`, () => {
    let url: string;
    let drop: () => Promise<void> = async () => {};
    let service: CatenaService;

    beforeAll(async () => {
      if (kind === 'sqlite') {
        url = `sqlite:${join(tmp, 'ack.db')}`;
      } else {
        const db = await createTestDatabase('catena_ack');
        url = db.url;
        drop = db.drop;
      }
      await seed(url);
      service = await openCatenaService({ db: url, env: {}, resumeNotifications: false });
    }, 60_000);
    afterAll(async () => {
      await service?.close();
      await drop();
    });
    beforeEach(async () => {
      await service.close();
      await seed(url);
      service = await openCatenaService({ db: url, env: {}, resumeNotifications: false });
    });

    const stored = async () => (await service.events({ key: A })).sort((x, y) => x.timestamp - y.timestamp);

    it('the service acknowledges the given events only, with name, note and the database time', async () => {
      const before = await service.events({ key: A });
      expect(before.every((e) => e.acknowledgedAt === null)).toBe(true);
      const done = await service.acknowledgeEvents({
        key: A,
        events: [{ metric: 'cumulative_mm', timestamp: T0 + 5 * STEP }],
        note: ' crack gauge unchanged ',
        by: ' Rossi ',
      });
      expect(done).toMatchObject({ ...A, acknowledged: 1, by: 'Rossi', note: 'crack gauge unchanged' });
      expect(Math.abs(done.at - Date.now() / 1000)).toBeLessThan(120);
      const after = await stored();
      const acked = after.filter((e) => e.acknowledgedAt !== null);
      expect(
        acked.map((e) => [e.metric, e.timestamp, e.acknowledgedBy, e.ackNote, e.acknowledgedAt]),
      ).toEqual([['cumulative_mm', T0 + 5 * STEP, 'Rossi', 'crack gauge unchanged', done.at]]);
    });

    it('without events: every open event; an acknowledged one keeps its first acknowledgement', async () => {
      await service.acknowledgeEvents({
        key: A,
        events: [{ metric: 'tilt_deg', timestamp: T0 + 3 * STEP }],
        note: 'first',
        by: 'Bianchi',
      });
      const all = await service.acknowledgeEvents({ key: A, note: 'all seen', by: 'Verdi' });
      expect(all.acknowledged).toBe(3);
      const after = await stored();
      expect(after.map((e) => e.acknowledgedBy)).toEqual(['Verdi', 'Verdi', 'Bianchi', 'Verdi']);
      expect(after.find((e) => e.metric === 'tilt_deg')!.ackNote).toBe('first');
      expect((await service.acknowledgeEvents({ key: A, by: 'Verdi' })).acknowledged).toBe(0);
    });

    it('refuses a missing name and an unknown chain, with the sentence', async () => {
      await expect(service.acknowledgeEvents({ key: A, by: '  ' })).rejects.toMatchObject({
        code: 'DATA_INVALID',
        message: expect.stringMatching(/operator's name/),
      });
      await expect(
        service.acknowledgeEvents({ key: { controlUnitCode: 'CU404', chain: 'Q' }, by: 'Rossi' }),
      ).rejects.toMatchObject({ code: 'CHAIN_NOT_FOUND', message: expect.stringMatching(/CU404-Q/) });
      expect((await stored()).every((e) => e.acknowledgedAt === null)).toBe(true);
    });

    describe('over HTTP', () => {
      const listen = async (apiToken: string | null, apiTokenName?: string) => {
        const app = await buildServer({
          service,
          staticDir: null,
          logLevel: 'silent',
          apiToken,
          apiTokenName,
        });
        await app.listen({ host: '127.0.0.1', port: 0 });
        const { port } = app.server.address() as AddressInfo;
        return { app, base: `http://127.0.0.1:${port}` };
      };
      const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });

      it('POST /api/v1/chains/{unit}/{chain}/events/ack records the given name without a token', async () => {
        const { app, base } = await listen(null);
        try {
          const r = await post(base, '/api/v1/chains/CU001/A/events/ack', {
            events: [{ metric: 'velocity_mm_per_day', timestamp: T0 + 2 * STEP }],
            note: 'seen',
            by: 'Rossi',
          });
          expect(r.status).toBe(200);
          const body = await r.json();
          expect(methods.acknowledgeEvents.output.safeParse(body).success).toBe(true);
          expect(body).toMatchObject({ acknowledged: 1, by: 'Rossi', note: 'seen' });
          const v = (await stored()).find((e) => e.metric === 'velocity_mm_per_day')!;
          expect([v.acknowledgedBy, v.ackNote]).toEqual(['Rossi', 'seen']);

          // no name: 400 naming it; an unknown chain: 404; a bad metric: 400
          const noName = await post(base, '/api/v1/chains/CU001/A/events/ack', { note: 'x' });
          expect(noName.status).toBe(400);
          expect(((await noName.json()) as { error: { message: string } }).error.message).toMatch(
            /by: give the operator's name/,
          );
          const unknown = await post(base, '/api/v1/chains/CU404/Q/events/ack', { by: 'Rossi' });
          expect(unknown.status).toBe(404);
          const badMetric = await post(base, '/api/v1/chains/CU001/A/events/ack', {
            by: 'Rossi',
            events: [{ metric: 'rain_mm', timestamp: T0 }],
          });
          expect(badMetric.status).toBe(400);
          // the console's door: POST /api/acknowledgeEvents
          const all = await post(base, '/api/acknowledgeEvents', { key: A, note: 'rest', by: 'Neri' });
          expect(all.status).toBe(200);
          expect(await all.json()).toMatchObject({ acknowledged: 3, by: 'Neri' });
        } finally {
          await app.close();
        }
      });

      it("with an API token, the token's name is recorded whatever name is sent", async () => {
        const { app, base } = await listen(TOKEN, 'control room');
        try {
          const auth = { authorization: `Bearer ${TOKEN}` };
          const refused = await post(base, '/api/v1/chains/CU001/A/events/ack', { by: 'Rossi' });
          expect(refused.status).toBe(401);
          const r = await post(
            base,
            '/api/v1/chains/CU001/A/events/ack',
            { events: [{ metric: 'cumulative_mm', timestamp: T0 + STEP }], note: 'by token' },
            auth,
          );
          expect(r.status).toBe(200);
          expect(await r.json()).toMatchObject({ acknowledged: 1, by: 'control room' });
          const viaMethod = await post(base, '/api/acknowledgeEvents', { key: A, by: 'Mallory' }, auth);
          expect(await viaMethod.json()).toMatchObject({ acknowledged: 3, by: 'control room' });
          const names = new Set((await stored()).map((e) => e.acknowledgedBy));
          expect(names).toEqual(new Set(['control room']));
        } finally {
          await app.close();
        }
      });
    });

    describe('catena ack', () => {
      const catena = (args: string[], env: Record<string, string> = {}) => {
        const r = spawnSync(process.execPath, [join(root, 'bin', 'catena.js'), 'ack', '--db', url, ...args], {
          encoding: 'utf8',
          env: { ...process.env, CATENA_HOME: join(tmp, 'home'), ...env },
          timeout: 60_000,
        });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      };

      it('acknowledges one event, then every open one, and says when there is nothing left', async () => {
        await service.close(); // the CLI is another process on the same database
        const one = catena([
          '--chain',
          'CU001:A',
          '--metric',
          'cumulative_mm',
          '--at',
          new Date((T0 + STEP) * 1000).toISOString(),
          '--note',
          'checked',
          '--by',
          'Rossi',
        ]);
        expect(one.stderr).toBe('');
        expect(one.code).toBe(0);
        expect(one.stdout).toMatch(/acknowledged 1 event\(s\) of CU001-A as Rossi: checked/);
        const all = catena(['--chain', 'CU001:A', '--note', 'rest', '--json'], { CATENA_OPERATOR: 'Verdi' });
        expect(all.code, all.stderr).toBe(0);
        expect(JSON.parse(all.stdout)).toMatchObject({ acknowledged: 3, by: 'Verdi', note: 'rest' });
        const none = catena(['--chain', 'CU001:A', '--by', 'Verdi']);
        expect(none.code).toBe(1);
        expect(none.stderr).toMatch(/no open events to acknowledge/);
        service = await openCatenaService({ db: url, env: {}, resumeNotifications: false });
        const after = await stored();
        expect(after.map((e) => e.acknowledgedBy)).toEqual(['Rossi', 'Verdi', 'Verdi', 'Verdi']);
      }, 120_000);

      it('refuses bad arguments with one sentence and no stack', () => {
        const cases: [string[], RegExp][] = [
          [['--chain', 'CU001:A'], /--by NAME/],
          [['--by', 'x'], /name one chain/],
          [['--chain', 'CU001:A', '--by', 'x', '--metric', 'tilt_deg'], /--metric and --at/],
          [['--chain', 'CU001:A', '--by', 'x', '--metric', 'rain', '--at', '2026-01-01'], /not a metric/],
          [['--chain', 'CU404:Q', '--by', 'x'], /CU404-Q is not in active_stations/],
        ];
        for (const [args, message] of cases) {
          const r = catena(args, { CATENA_OPERATOR: '' });
          expect(r.code, args.join(' ')).not.toBe(0);
          expect(r.stderr).toMatch(message);
          expect(r.stderr).not.toMatch(/\n\s+at /);
        }
      }, 120_000);
    });
  });
}
