/**
 * Stale data notifications, on SQLite and MariaDB, with a real HTTP receiver:
 * a chain whose data stopped turns stale and notifies once (metric `stale`,
 * level 1), data coming back notifies once (level 0), two services on one
 * database send each once, and the service's timer does it by itself. The
 * messages in English and Italian are checked too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { formatHours, parseLang } from '../../src/core/notify/index.ts';
import { type Notification, subjectOf, textOf } from '../../src/core/notify/message.ts';
import { openCatenaService } from '../../src/core/service/service.ts';
import type { CatenaService } from '../../src/core/service/types.ts';
import { node, rawGrid, STEP, station } from '../store/fixtures.ts';
import { DIALECTS, removeTmp } from '../store/targets.ts';
import { startHttp } from './receivers.ts';

afterAll(removeTmp);

const SILENT: ChainKey = { controlUnitCode: 'CU001', chain: 'A' };
const FRESH: ChainKey = { controlUnitCode: 'CU001', chain: 'B' };
const NODES = [1, 2];

interface Hook {
  metric: string;
  controlUnitCode: string;
  chain: string;
  level: number;
  previousLevel: number;
  timestamp: string;
  subject: string;
  lang: string;
}

for (const target of DIALECTS) {
  describe.runIf(target.available)(`stale data notifications on ${target.name}`, () => {
    it('a chain whose data stopped notifies once; data back notifies once; two services send each once', async () => {
      const opened = await target.create({ migrate: true });
      const http = await startHttp();
      const services: CatenaService[] = [];
      try {
        const { store } = opened;
        const now = await store.databaseNow();
        const aligned = Math.floor(now / STEP) * STEP;
        // SILENT: 12 readings, the newest 3 h ago (limit 1 h); FRESH: the newest 10 min ago
        const silentLast = aligned - 3 * 3600;
        for (const [key, last] of [
          [SILENT, silentLast],
          [FRESH, aligned - 600],
        ] as const) {
          await store.upsertStation(station(key, { staleAfterHours: 1, siteName: 'Frana Nord' }));
          await store.replaceChainConfig(
            key,
            NODES.map((n) => node(key, n)),
            [],
          );
          await store.writeRaw(key, rawGrid(12, NODES, last - 11 * STEP));
        }
        await store.addNotifyRule({
          controlUnitCode: null,
          chain: null,
          minLevel: 1,
          metric: 'stale',
          channel: 'webhook',
          target: http.url,
        });
        // two services on one database, no timer: the test runs the checks
        for (let i = 0; i < 2; i++) {
          services.push(
            await openCatenaService({ db: opened.url, env: { CATENA_LANG: 'it' }, staleCheckMinutes: 0 }),
          );
        }
        const [a, b] = services as [CatenaService, CatenaService];
        const both = async () => {
          const checks = await Promise.all([a.notifications.checkStale(), b.notifications.checkStale()]);
          await Promise.all([a.notifications.settle(10_000), b.notifications.settle(10_000)]);
          return checks;
        };

        // the silence starts: one notification, one episode
        const first = await both();
        expect(first.flatMap((c) => c.started)).toEqual([SILENT]);
        expect(first[0]!.claimed + first[1]!.claimed).toBe(1);
        expect(http.accepted).toHaveLength(1);
        const start = JSON.parse(http.accepted[0]!.body) as Hook;
        expect(start).toMatchObject({
          metric: 'stale',
          controlUnitCode: 'CU001',
          chain: 'A',
          level: 1,
          previousLevel: 0,
          lang: 'it',
          timestamp: new Date(silentLast * 1000).toISOString().replace('.000Z', 'Z'),
        });
        expect(start.subject).toMatch(
          /^Catena: Frana Nord CU001-A nessun dato nuovo dal \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
        );
        expect(await a.notifications.staleEpisodes({ open: true })).toMatchObject([
          { ...SILENT, since: silentLast, endedAt: null, staleAfterHours: 1 },
        ]);

        // still silent: nothing more, however often it is checked
        await both();
        await both();
        expect(http.hits).toHaveLength(1);

        // data comes back: one notification of the end, the episode closed
        const back = aligned - 60;
        await store.writeRaw(SILENT, rawGrid(1, NODES, back));
        const ended = await both();
        expect(ended.flatMap((c) => c.ended)).toEqual([SILENT]);
        expect(ended.flatMap((c) => c.started)).toEqual([]);
        expect(http.accepted).toHaveLength(2);
        const end = JSON.parse(http.accepted[1]!.body) as Hook;
        expect(end).toMatchObject({ metric: 'stale', chain: 'A', level: 0, previousLevel: 1 });
        expect(end.subject).toMatch(/CU001-A di nuovo dati dopo 2 h 59 min senza$/);
        const [episode] = await a.notifications.staleEpisodes();
        expect(episode).toMatchObject({ since: silentLast, dataBackAt: back });
        expect(episode!.endedAt).not.toBeNull();
        await both();
        expect(http.hits).toHaveLength(2);
        const deliveries = await a.notifications.deliveries();
        expect(deliveries.map((d) => [d.metric, d.level, d.status])).toEqual(
          expect.arrayContaining([
            ['stale', 1, 'sent'],
            ['stale', 0, 'sent'],
          ]),
        );
        expect(deliveries).toHaveLength(2);
      } finally {
        for (const s of services) await s.close();
        await http.close();
        await opened.drop();
      }
    }, 120_000);

    it("the service's timer checks by itself, and stops with the service", async () => {
      const opened = await target.create({ migrate: true });
      const http = await startHttp();
      try {
        const { store } = opened;
        const now = await store.databaseNow();
        await store.upsertStation(station(SILENT, { staleAfterHours: 2 }));
        await store.replaceChainConfig(
          SILENT,
          NODES.map((n) => node(SILENT, n)),
          [],
        );
        await store.writeRaw(SILENT, rawGrid(3, NODES, Math.floor(now / STEP) * STEP - 5 * 3600));
        await store.addNotifyRule({
          controlUnitCode: 'CU001',
          chain: 'A',
          minLevel: 1,
          metric: null,
          channel: 'webhook',
          target: http.url,
        });
        // CATENA_STALE_CHECK_MINUTES in the environment sets the period (here 1.2 s)
        const service = await openCatenaService({
          db: opened.url,
          env: { CATENA_STALE_CHECK_MINUTES: '0.02' },
        });
        const deadline = Date.now() + 15_000;
        while (http.accepted.length === 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        expect(http.accepted).toHaveLength(1);
        expect(JSON.parse(http.accepted[0]!.body)).toMatchObject({ metric: 'stale', level: 1, lang: 'en' });
        // several periods later: still one
        await new Promise((r) => setTimeout(r, 3_000));
        expect(http.hits).toHaveLength(1);
        await service.close();
      } finally {
        await http.close();
        await opened.drop();
      }
    }, 60_000);
  });
}

describe('messages in the operator’s language', () => {
  const alarm = (lang: 'en' | 'it'): Notification => ({
    kind: 'alarm',
    event: {
      controlUnitCode: 'CU001',
      chain: 'A',
      metric: 'cumulative_mm',
      timestamp: 1_767_225_600,
      level: 2,
      previousLevel: 1,
      nodeIndex: 4,
      value: 21.5,
    },
    siteName: 'Frana Nord',
    depthM: 6,
    link: null,
    lang,
  });

  it('CATENA_LANG picks the language: it, it-IT, it_IT.UTF-8 are Italian; anything else English', () => {
    expect(['it', 'it-IT', 'it_IT.UTF-8', 'IT'].map(parseLang)).toEqual(['it', 'it', 'it', 'it']);
    expect(['en', 'de', '', undefined, null].map(parseLang)).toEqual(['en', 'en', 'en', 'en', 'en']);
  });

  it('an alarm in English and in Italian names site, chain, metric, level, node, depth and value', () => {
    expect(subjectOf(alarm('en'))).toBe(
      'Catena: Frana Nord CU001-A cumulative displacement level 2 (up from 1)',
    );
    expect(subjectOf(alarm('it'))).toBe(
      'Catena: Frana Nord CU001-A spostamento cumulato livello 2 (salito da 1)',
    );
    expect(textOf(alarm('en'))).toContain('Node:   4 at 6 m depth\nValue:  21.5 mm\n');
    expect(textOf(alarm('it'))).toContain('Nodo:      4 a 6 m di profondità\nValore:    21.5 mm\n');
    expect(textOf(alarm('it'))).toMatch(/^È cambiato un livello di allarme di Catena\./);
  });

  it('a stale episode says since when, and for how long, in both languages', () => {
    const stale = (lang: 'en' | 'it', level: number, value: number): Notification => ({
      ...alarm(lang),
      event: {
        ...alarm(lang).event,
        metric: 'stale',
        level,
        previousLevel: 1 - level,
        nodeIndex: null,
        value,
      },
    });
    expect(subjectOf(stale('en', 1, 3.3))).toBe(
      'Catena: Frana Nord CU001-A no new data since 2026-01-01 00:00 UTC',
    );
    expect(subjectOf(stale('en', 0, 3 + 20 / 60))).toBe(
      'Catena: Frana Nord CU001-A data again after 3 h 20 min without',
    );
    expect(subjectOf(stale('it', 0, 24 * 31 + 4))).toBe(
      'Catena: Frana Nord CU001-A di nuovo dati dopo 31 g 4 h senza',
    );
    expect(textOf(stale('en', 1, 3.5))).toContain('Without data: 3 h 30 min');
    expect(textOf(stale('it', 1, 0.5))).toContain('Senza dati:  30 min');
    expect([formatHours(0.75), formatHours(2), formatHours(48)]).toEqual(['45 min', '2 h', '2 d']);
  });
});
