/**
 * Notification rules and the delivery log on both databases: rules round-trip
 * (null = all); a delivery is claimed once whoever claims it again; an
 * attempt is recorded only by the claim's holder; a stale claim is taken
 * over by exactly one of two concurrent takers.
 */
import { beforeEach, expect, it } from 'vitest';
import type { DeliveryClaim } from '../../src/core/store/port.ts';
import { T0 } from './fixtures.ts';
import { A, B, describeStore, expectCatena } from './suite.ts';

const claim = (over: Partial<DeliveryClaim> = {}): DeliveryClaim => ({
  ...A,
  metric: 'cumulative_mm',
  timestamp: T0,
  level: 2,
  ruleId: 1,
  previousLevel: 1,
  nodeIndex: 3,
  value: 12.5,
  channel: 'email',
  target: 'ops@example.com',
  ...over,
});

describeStore('notifications', (db) => {
  beforeEach(async () => {
    for (const rule of await db.store.listNotifyRules()) await db.store.removeNotifyRule(rule.id);
  });

  it('adds, lists and removes rules; null chain and metric mean all', async () => {
    const now = await db.store.databaseNow();
    const all = await db.store.addNotifyRule({
      controlUnitCode: null,
      chain: null,
      minLevel: 1,
      metric: null,
      channel: 'email',
      target: 'ops@example.com',
    });
    const one = await db.store.addNotifyRule({
      ...A,
      minLevel: 2,
      metric: 'velocity_mm_per_day',
      channel: 'webhook',
      target: 'https://hooks.example.com/x',
    });
    expect(one.id).toBeGreaterThan(all.id);
    expect(Math.abs(all.createdAt - now)).toBeLessThan(5);
    expect(await db.store.listNotifyRules()).toEqual([
      {
        id: all.id,
        controlUnitCode: null,
        chain: null,
        minLevel: 1,
        metric: null,
        channel: 'email',
        target: 'ops@example.com',
        createdAt: all.createdAt,
      },
      {
        id: one.id,
        controlUnitCode: 'CU001',
        chain: 'A',
        minLevel: 2,
        metric: 'velocity_mm_per_day',
        channel: 'webhook',
        target: 'https://hooks.example.com/x',
        createdAt: one.createdAt,
      },
    ]);
    expect(await db.store.removeNotifyRule(all.id)).toBe(true);
    expect(await db.store.removeNotifyRule(all.id)).toBe(false);
    expect((await db.store.listNotifyRules()).map((r) => r.id)).toEqual([one.id]);
  });

  it('refuses a negative minimum level and an empty target', async () => {
    const base = { controlUnitCode: null, chain: null, metric: null, channel: 'email' as const };
    await expectCatena(db.store.addNotifyRule({ ...base, minLevel: -1, target: 'a@b' }), 'DATA_INVALID');
    await expectCatena(db.store.addNotifyRule({ ...base, minLevel: 1, target: ' ' }), 'DATA_INVALID');
  });

  it('claims each (event, level, rule) once, whoever claims it again', async () => {
    const cases: { name: string; first: DeliveryClaim[]; second: DeliveryClaim[]; mine: number }[] = [
      { name: 'the same claim twice', first: [claim()], second: [claim()], mine: 0 },
      { name: 'another rule', first: [claim()], second: [claim({ ruleId: 2 })], mine: 1 },
      { name: 'another level (the all-clear)', first: [claim()], second: [claim({ level: 0 })], mine: 1 },
      { name: 'another chain', first: [claim()], second: [claim({ ...B })], mine: 1 },
      { name: 'another time', first: [claim()], second: [claim({ timestamp: T0 + 600 })], mine: 1 },
      {
        name: 'a mix',
        first: [claim(), claim({ ruleId: 2 })],
        second: [claim({ ruleId: 2 }), claim({ ruleId: 3 }), claim()],
        mine: 1,
      },
    ];
    for (const c of cases) {
      for (const key of [A, B]) await db.store.deleteChain(key);
      expect(await db.store.claimDeliveries(c.first, 'one'), c.name).toEqual(c.first);
      expect((await db.store.claimDeliveries(c.second, 'two')).length, c.name).toBe(c.mine);
    }
  });

  it('two claimers racing for the same deliveries get each one exactly once', async () => {
    const claims = Array.from({ length: 20 }, (_, i) => claim({ timestamp: T0 + i * 600 }));
    const [a, b] = await Promise.all([
      db.store.claimDeliveries(claims, 'a'),
      db.store.claimDeliveries([...claims].reverse(), 'b'),
    ]);
    expect(a.length + b.length).toBe(20);
    const keys = [...a, ...b].map((c) => c.timestamp).sort((x, y) => x - y);
    expect(keys).toEqual(claims.map((c) => c.timestamp));
  });

  it('records attempts only for the holder of the claim; sentAt is set when sent', async () => {
    await db.store.claimDeliveries([claim()], 'holder');
    expect(
      await db.store.updateDelivery(claim(), 'intruder', { attempts: 1, status: 'sent', lastError: null }),
    ).toBe(false);
    expect(
      await db.store.updateDelivery(claim(), 'holder', {
        attempts: 1,
        status: 'claimed',
        lastError: 'timeout',
      }),
    ).toBe(true);
    let [d] = await db.store.listDeliveries();
    expect(d).toMatchObject({
      attempts: 1,
      status: 'claimed',
      lastError: 'timeout',
      sentAt: null,
      nodeIndex: 3,
    });
    expect(d!.value).toBe(12.5);
    expect(d!.timestamp).toBe(T0);
    await db.store.updateDelivery(claim(), 'holder', { attempts: 2, status: 'sent', lastError: null });
    [d] = await db.store.listDeliveries({ status: 'sent' });
    expect(d).toMatchObject({ attempts: 2, status: 'sent', lastError: null });
    expect(Math.abs(d!.sentAt! - (await db.store.databaseNow()))).toBeLessThan(5);
    expect(await db.store.listDeliveries({ status: 'claimed' })).toEqual([]);
  });

  it('takes over stale claims once, never sent or failed ones, never fresh ones', async () => {
    await db.store.claimDeliveries(
      [
        claim(),
        claim({ ruleId: 2 }),
        claim({ ruleId: 3 }),
        claim({ ruleId: 4, value: null, nodeIndex: null }),
      ],
      'dead',
    );
    await db.store.updateDelivery(claim({ ruleId: 2 }), 'dead', {
      attempts: 1,
      status: 'sent',
      lastError: null,
    });
    await db.store.updateDelivery(claim({ ruleId: 3 }), 'dead', {
      attempts: 5,
      status: 'failed',
      lastError: 'x',
    });
    expect(await db.store.takeOverDeliveries('late', 3600)).toEqual([]);
    // renewing keeps them fresh (MySQL does not count a row already renewed this second, so no count here)
    await db.store.renewDeliveryClaims('dead');
    expect(await db.store.takeOverDeliveries('late', 3600)).toEqual([]);
    expect(await db.store.renewDeliveryClaims('nobody')).toBe(0);
    // stale means strictly older than the lease: a claim taken over this second never passes on at once
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const [x, y] = await Promise.all([
      db.store.takeOverDeliveries('x', 0),
      db.store.takeOverDeliveries('y', 0),
    ]);
    const taken = [...x, ...y];
    expect(taken.map((d) => d.ruleId).sort()).toEqual([1, 4]);
    expect(taken.find((d) => d.ruleId === 4)).toMatchObject({
      value: null,
      nodeIndex: null,
      status: 'claimed',
    });
    for (const d of taken) {
      expect(
        await db.store.updateDelivery(d, d.claimToken, { attempts: 1, status: 'sent', lastError: null }),
      ).toBe(true);
      expect(
        await db.store.updateDelivery(d, 'dead', { attempts: 9, status: 'failed', lastError: null }),
      ).toBe(false);
    }
  });
});
