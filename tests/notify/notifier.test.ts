/**
 * Notifications end to end, with a real SMTP server and a real HTTP receiver
 * in the test process: rule matching, the signed webhook, e-mail, retries of
 * transient failures with backoff (a receiver that fails twice, then
 * succeeds), permanent failures, the concurrency bound, exactly once across
 * two notifiers on one database (both databases), resuming a dead process's
 * claims, and a second launch that delivers nothing.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installDemoSite } from '../../src/core/demo/install.ts';
import type { AlarmEvent } from '../../src/core/domain/alarms.ts';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import {
  emailChannel,
  matches,
  Notifier,
  type NotifierOptions,
  webhookChannel,
} from '../../src/core/notify/index.ts';
import type { NotifyRule, NotifyRuleInput } from '../../src/core/store/port.ts';
import { node, STEP, station, T0 } from '../store/fixtures.ts';
import { type Opened, removeTmp, SQLITE, TARGETS } from '../store/targets.ts';
import { startHttp, startSmtp } from './receivers.ts';

afterAll(removeTmp);

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const A: ChainKey = { controlUnitCode: 'CU001', chain: 'A' };
const SECRET = 'test-secret';
const FAST = { attempts: 5, baseMs: 20, maxMs: 200 };

const event = (over: Partial<AlarmEvent> = {}): AlarmEvent => ({
  metric: 'cumulative_mm',
  timestamp: T0,
  level: 2,
  previousLevel: 0,
  nodeIndex: 2,
  value: 31.5,
  ...over,
});

const rule = (over: Partial<NotifyRule> = {}): NotifyRule => ({
  id: 1,
  controlUnitCode: null,
  chain: null,
  minLevel: 1,
  metric: null,
  channel: 'webhook',
  target: 'x',
  createdAt: 0,
  ...over,
});

describe('rule matching', () => {
  const cases: [string, Partial<NotifyRule>, Partial<AlarmEvent>, boolean][] = [
    ['all chains, level reached', {}, {}, true],
    ['level below the minimum', { minLevel: 3 }, { level: 2 }, false],
    [
      'the all-clear of an alarm that reached the minimum',
      { minLevel: 2 },
      { level: 0, previousLevel: 2 },
      true,
    ],
    ['the all-clear of an alarm below the minimum', { minLevel: 2 }, { level: 0, previousLevel: 1 }, false],
    ['a drop from 3 to 1 for minimum 2', { minLevel: 2 }, { level: 1, previousLevel: 3 }, true],
    ['same chain (case-insensitive)', { controlUnitCode: 'cu001', chain: 'a' }, {}, true],
    ['another chain', { controlUnitCode: 'CU001', chain: 'B' }, {}, false],
    ['another control unit', { controlUnitCode: 'CU002' }, {}, false],
    ['same metric', { metric: 'cumulative_mm' }, {}, true],
    ['another metric', { metric: 'tilt_deg' }, {}, false],
  ];
  for (const [name, r, e, expected] of cases) {
    it(name, () => expect(matches(rule(r), A, event(e))).toBe(expected));
  }
});

/** A migrated database with chain CU001:A (site "Frana Nord", node 2 at 7.5 m) and no rules. */
async function prepared(opened: Opened): Promise<void> {
  const { store } = opened;
  await store.deleteChain(A);
  for (const r of await store.listNotifyRules()) await store.removeNotifyRule(r.id);
  await store.upsertStation(station(A, { siteName: 'Frana Nord' }));
  await store.replaceChainConfig(A, [node(A, 1, { depthM: 2.5 }), node(A, 2, { depthM: 7.5 })], []);
}

const input = (over: Partial<NotifyRuleInput>): NotifyRuleInput => ({
  controlUnitCode: null,
  chain: null,
  minLevel: 1,
  metric: null,
  channel: 'webhook',
  target: '',
  ...over,
});

describe('notifier on sqlite', () => {
  let opened: Opened;
  const closers: (() => Promise<unknown>)[] = [];
  beforeEach(async () => {
    opened = await SQLITE.create();
    await opened.store.migrate();
    await prepared(opened);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await opened.drop();
  });
  const notifier = (over: Partial<NotifierOptions> = {}) => {
    const n = new Notifier({
      store: opened.store,
      channels: { webhook: webhookChannel({ secret: SECRET, timeoutMs: 2_000 }) },
      retry: FAST,
      ...over,
    });
    closers.push(() => n.close(0));
    return n;
  };

  it('posts a signed JSON webhook naming site, chain, metric, level, node, depth and value', async () => {
    const http = await startHttp();
    closers.push(http.close);
    await opened.store.addNotifyRule(input({ target: http.url }));
    const n = notifier({ consoleUrl: 'https://catena.example/' });
    expect(await n.notify(A, [event()])).toBe(1);
    expect(await n.idle(5_000)).toMatchObject({ sent: 1, failed: 0, pending: 0 });
    expect(http.hits).toHaveLength(1);
    const hit = http.hits[0]!;
    const expected = `sha256=${createHmac('sha256', SECRET).update(hit.body).digest('hex')}`;
    expect(hit.headers['x-catena-signature']).toBe(expected);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hit.body)).toMatchObject({
      type: 'alarm',
      site: 'Frana Nord',
      controlUnitCode: 'CU001',
      chain: 'A',
      metric: 'cumulative_mm',
      level: 2,
      previousLevel: 0,
      nodeIndex: 2,
      depthM: 7.5,
      value: 31.5,
      timestamp: '2026-01-01T00:00:00Z',
      link: 'https://catena.example/#/chains/CU001/A',
    });
    const [d] = await opened.store.listDeliveries();
    expect(d).toMatchObject({
      status: 'sent',
      attempts: 1,
      lastError: null,
      target: http.url,
      channel: 'webhook',
    });
    expect(d!.sentAt).not.toBeNull();
  });

  it('retries a receiver that fails twice, then succeeds, with growing waits', async () => {
    const times: number[] = [];
    const http = await startHttp({
      status: (n) => {
        times.push(performance.now());
        return n < 2 ? 503 : 200;
      },
    });
    closers.push(http.close);
    await opened.store.addNotifyRule(input({ target: http.url }));
    const n = notifier({ retry: { attempts: 5, baseMs: 100, maxMs: 1_000 } });
    await n.notify(A, [event()]);
    expect(await n.idle(10_000)).toMatchObject({ sent: 1, failed: 0, pending: 0 });
    expect(http.hits).toHaveLength(3);
    expect(http.accepted).toHaveLength(1);
    // waits of about 100 ms then 200 ms (±25 % jitter)
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(70);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(140);
    const [d] = await opened.store.listDeliveries();
    expect(d).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('fails at once on a permanent error (404), and after the last attempt on a transient one', async () => {
    const gone = await startHttp({ status: () => 404 });
    const down = await startHttp({ status: () => 503 });
    closers.push(gone.close, down.close);
    await opened.store.addNotifyRule(input({ target: gone.url }));
    await opened.store.addNotifyRule(input({ target: down.url }));
    const n = notifier({ retry: { attempts: 3, baseMs: 10, maxMs: 20 } });
    await n.notify(A, [event()]);
    expect(await n.idle(10_000)).toMatchObject({ sent: 0, failed: 2, pending: 0 });
    const byTarget = new Map((await opened.store.listDeliveries()).map((d) => [d.target, d]));
    expect(byTarget.get(gone.url)).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
    expect(byTarget.get(gone.url)!.lastError).toMatch(/HTTP 404/);
    expect(byTarget.get(down.url)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(byTarget.get(down.url)!.lastError).toMatch(/HTTP 503/);
    expect(gone.hits).toHaveLength(1);
    expect(down.hits).toHaveLength(3);
  });

  it('retries a refused connection (nothing listening) as transient', async () => {
    const http = await startHttp();
    const url = http.url;
    await http.close();
    await opened.store.addNotifyRule(input({ target: url }));
    const n = notifier({ retry: { attempts: 2, baseMs: 10, maxMs: 10 } });
    await n.notify(A, [event()]);
    await n.idle(10_000);
    const [d] = await opened.store.listDeliveries();
    expect(d).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('sends e-mail through a real SMTP server; a 550 fails without retries', async () => {
    const smtp = await startSmtp({ reject: (to) => to.startsWith('nobody') });
    closers.push(smtp.close);
    await opened.store.addNotifyRule(input({ channel: 'email', target: 'ops@example.com', minLevel: 2 }));
    await opened.store.addNotifyRule(input({ channel: 'email', target: 'nobody@example.com' }));
    const n = notifier({
      channels: { email: emailChannel({ smtpUrl: smtp.url, from: 'catena@example.com' }) },
    });
    await n.notify(A, [event(), event({ timestamp: T0 + STEP, level: 1, previousLevel: 2 })]);
    expect(await n.idle(10_000)).toMatchObject({ sent: 2, failed: 2, pending: 0 });
    expect(smtp.mails.map((m) => m.to)).toEqual([['ops@example.com'], ['ops@example.com']]);
    const mail = smtp.mails.find((m) => /up from 0/.test(m.raw))!.raw.replace(/=\r\n/g, '');
    expect(mail).toMatch(/Subject: Catena: Frana Nord CU001-A cumulative displacement level 2/);
    for (const part of [
      'Site:   Frana Nord',
      'Chain:  CU001-A',
      'Node:   2 at 7.5 m depth',
      'Value:  31.5 mm',
    ]) {
      expect(mail).toContain(part);
    }
    const failed = (await opened.store.listDeliveries({ status: 'failed' }))[0]!;
    expect(failed).toMatchObject({ target: 'nobody@example.com', attempts: 1 });
  });

  it('does not claim rules of a channel this process lacks (another process may send them)', async () => {
    await opened.store.addNotifyRule(input({ channel: 'email', target: 'ops@example.com' }));
    const warnings: string[] = [];
    const n = notifier({ log: (w) => warnings.push(w) });
    expect(await n.notify(A, [event()])).toBe(0);
    expect(await opened.store.listDeliveries()).toEqual([]);
    expect(warnings.join('\n')).toMatch(/CATENA_SMTP_URL/);
  });

  it('sends at most `concurrency` at once', async () => {
    const http = await startHttp({ delayMs: 50 });
    closers.push(http.close);
    await opened.store.addNotifyRule(input({ target: http.url }));
    const n = notifier({ concurrency: 4 });
    const events = Array.from({ length: 20 }, (_, i) => event({ timestamp: T0 + i * STEP }));
    await n.notify(A, events);
    expect(await n.idle(10_000)).toMatchObject({ sent: 20, pending: 0 });
    expect(http.accepted).toHaveLength(20);
    expect(http.maxConcurrent).toBeLessThanOrEqual(4);
    expect(http.maxConcurrent).toBeGreaterThan(1);
  });

  it('bounds each channel on its own: slow e-mails at their bound do not hold the webhooks back', async () => {
    const http = await startHttp({ delayMs: 50 });
    const smtp = await startSmtp({ delayMs: 400 });
    closers.push(http.close, smtp.close);
    await opened.store.addNotifyRule(input({ target: http.url }));
    await opened.store.addNotifyRule(input({ channel: 'email', target: 'ops@example.com' }));
    const n = new Notifier({
      store: opened.store,
      channels: {
        webhook: webhookChannel({ secret: null }),
        email: emailChannel({ smtpUrl: smtp.url }),
      },
      concurrency: { email: 1, webhook: 3 },
      retry: FAST,
    });
    closers.push(async () => {
      await n.close(0);
    });
    const events = Array.from({ length: 6 }, (_, i) => event({ timestamp: T0 + i * STEP }));
    await n.notify(A, events);
    // 6 webhooks of 50 ms, 3 at a time, are done before the first e-mail (400 ms, one at a time) is.
    const started = Date.now();
    while (http.accepted.length < 6 && Date.now() - started < 5_000) await sleepMs(10);
    expect(http.accepted).toHaveLength(6);
    expect(smtp.mails).toHaveLength(0);
    expect(http.maxConcurrent).toBeLessThanOrEqual(3);
    expect(http.maxConcurrent).toBeGreaterThan(1);
    // the e-mails follow, one at a time: 6 × 400 ms
    expect(await n.idle(10_000)).toMatchObject({ sent: 12, pending: 0 });
    expect(smtp.mails).toHaveLength(6);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6 * 400 - 100);
  });

  it("sets the event's notifiedAt once its deliveries are done and one was sent; not when all failed", async () => {
    const ok = await startHttp();
    const gone = await startHttp({ status: () => 404 });
    closers.push(ok.close, gone.close);
    const runId = await opened.store.startRun({
      ...A,
      launchId: 'l',
      mode: 'full',
      spanFrom: null,
      spanTo: null,
      host: 'test',
    });
    const sent = event({ timestamp: T0 });
    const refused = event({ timestamp: T0 + STEP, metric: 'tilt_deg', value: 1.5 });
    await opened.store.writeChunk({
      ...A,
      runId,
      rows: {
        length: 0,
        timestamp: new Float64Array(0),
        nodeIndex: new Int32Array(0),
        alphaX: new Float64Array(0),
        alphaY: new Float64Array(0),
        temperature: new Float64Array(0),
        dispX: new Float64Array(0),
        dispY: new Float64Array(0),
        cumX: new Float64Array(0),
        cumY: new Float64Array(0),
        cumR: new Float64Array(0),
        velR: new Float64Array(0),
        flags: new Int32Array(0),
      },
      eventsFrom: T0,
      eventsTo: T0 + STEP,
      events: [sent, refused],
    });
    // cumulative events reach two targets (one refuses); tilt events only the refusing one
    await opened.store.addNotifyRule(input({ target: ok.url, metric: 'cumulative_mm' }));
    await opened.store.addNotifyRule(input({ target: gone.url }));
    const n = notifier();
    await n.notify(A, [sent, refused]);
    expect(await n.idle(5_000)).toMatchObject({ sent: 1, failed: 2, pending: 0 });
    const stored = await opened.store.listEvents({ key: A });
    const now = await opened.store.databaseNow();
    const at = (metric: string) => stored.find((e) => e.metric === metric)!.notifiedAt;
    expect(Math.abs(at('cumulative_mm')! - now)).toBeLessThan(60);
    expect(at('tilt_deg')).toBeNull();
  });

  it('resumes the claims a dead process left unsent, once, and never a fresh claim', async () => {
    const http = await startHttp();
    closers.push(http.close);
    const saved = await opened.store.addNotifyRule(input({ target: http.url }));
    // the dead process claimed two deliveries and sent neither
    const claims = [event(), event({ timestamp: T0 + STEP })].map((e) => ({
      ...A,
      ...e,
      ruleId: saved.id,
      channel: 'webhook' as const,
      target: http.url,
    }));
    await opened.store.claimDeliveries(claims, 'dead-process');
    expect(await notifier().resume()).toBe(0); // fresh claims (default lease of 60 s) are left alone
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // stale: strictly older than the lease (0 s)
    const [x, y] = [notifier({ resumeAfterSeconds: 0 }), notifier({ resumeAfterSeconds: 0 })];
    const counts = await Promise.all([x.resume(), y.resume()]);
    expect(counts[0] + counts[1]).toBe(2);
    await Promise.all([x.idle(5_000), y.idle(5_000)]);
    expect(http.accepted).toHaveLength(2);
    expect((await opened.store.listDeliveries()).map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(await notifier({ resumeAfterSeconds: 0 }).resume()).toBe(0);
    // and the same events raised again are not claimed again
    expect(await notifier().notify(A, [event()])).toBe(0);
  });

  it('a process killed in the middle of sending: the next one completes the delivery, once', async () => {
    const http = await startHttp({ hang: (n) => n === 0 });
    closers.push(http.close);
    await opened.store.addNotifyRule(input({ target: http.url }));
    const child = spawn(
      process.execPath,
      [new URL('./child-notifier.ts', import.meta.url).pathname, opened.url],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (http.hits.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(http.hits).toHaveLength(1); // the child is sending, and the receiver does not answer
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const [left] = await opened.store.listDeliveries();
    expect(left).toMatchObject({ status: 'claimed', attempts: 0 });
    const restarted = notifier({ resumeAfterSeconds: 2 });
    expect(await restarted.resume()).toBe(0); // the dead child's claim is still fresh
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    expect(await restarted.resume()).toBe(1);
    expect(await restarted.idle(5_000)).toMatchObject({ sent: 1, pending: 0 });
    expect(http.accepted).toHaveLength(1);
    expect(await notifier({ resumeAfterSeconds: 0 }).resume()).toBe(0);
    const [done] = await opened.store.listDeliveries();
    expect(done).toMatchObject({ status: 'sent', attempts: 1 });
  }, 40_000);

  it("a live notifier renews its claims, so another process's resume does not take them over", async () => {
    const http = await startHttp({ delayMs: 4_500 });
    closers.push(http.close);
    await opened.store.addNotifyRule(input({ target: http.url }));
    const slow = notifier({
      resumeAfterSeconds: 3,
      channels: { webhook: webhookChannel({ secret: SECRET, timeoutMs: 10_000 }) },
    });
    await slow.notify(A, [event()]);
    await new Promise((resolve) => setTimeout(resolve, 3_800));
    expect(await notifier({ resumeAfterSeconds: 3 }).resume()).toBe(0);
    expect(await slow.idle(5_000)).toMatchObject({ sent: 1, pending: 0 });
    expect(http.hits).toHaveLength(1);
  }, 20_000);

  it('a full launch delivers every new event once per target; a second launch delivers nothing', async () => {
    const http = await startHttp();
    const smtp = await startSmtp();
    closers.push(http.close, smtp.close);
    await installDemoSite(opened.store, { days: 8 });
    await opened.store.addNotifyRule(input({ target: http.url }));
    await opened.store.addNotifyRule(input({ channel: 'email', target: 'ops@example.com' }));
    const launchOnce = async () => {
      const engine = new Engine({ store: opened.store, threads: 2, tuning: { writeRows: 2_000 } });
      const n = notifier({
        channels: { webhook: webhookChannel({ secret: SECRET }), email: emailChannel({ smtpUrl: smtp.url }) },
      });
      const off = engine.onEvent(n.handle);
      try {
        const launch = await engine.launch({ chains: 'all-active', mode: 'full' });
        const done = await launch.done;
        const stats = await n.idle(30_000);
        return { created: done.results.reduce((s, r) => s + r.eventsCreated, 0), stats };
      } finally {
        off();
        await engine.close();
      }
    };
    const first = await launchOnce();
    const stored = await opened.store.listEvents({ limit: 100_000 });
    const matching = stored.filter((e) => Math.max(e.level, e.previousLevel) >= 1).length;
    expect(first.created).toBeGreaterThan(0);
    expect(first.stats).toMatchObject({ sent: 2 * matching, failed: 0, pending: 0 });
    expect(http.accepted).toHaveLength(matching);
    expect(smtp.mails).toHaveLength(matching);
    const keys = http.accepted.map((h) => {
      const b = JSON.parse(h.body) as Record<string, unknown>;
      return `${b.controlUnitCode}:${b.chain}/${b.metric}/${b.timestamp}/${b.level}`;
    });
    expect(new Set(keys).size).toBe(keys.length);
    const second = await launchOnce();
    expect(second.created).toBe(0);
    expect(second.stats.claimed).toBe(0);
    expect(http.hits).toHaveLength(matching);
    expect(smtp.mails).toHaveLength(matching);
  }, 120_000);
});

for (const target of TARGETS.slice(0, 2)) {
  describe.runIf(target.available)(`exactly once across two notifiers on ${target.name}`, () => {
    it('two processes notified of the same events send each (event, target) once', async () => {
      const opened = await target.create();
      const http = await startHttp({ delayMs: 5 });
      try {
        await opened.store.migrate();
        await prepared(opened);
        await opened.store.addNotifyRule(input({ target: http.url }));
        await opened.store.addNotifyRule(input({ target: `${http.url}/second`, minLevel: 2 }));
        const make = () =>
          new Notifier({
            store: opened.store,
            channels: { webhook: webhookChannel({ secret: SECRET }) },
            retry: FAST,
          });
        const [x, y] = [make(), make()];
        const events = Array.from({ length: 30 }, (_, i) =>
          event({ timestamp: T0 + i * STEP, level: 1 + (i % 3), previousLevel: i % 3 }),
        );
        // each process sees the events (as if each had raised them) in its own order
        await Promise.all([x.notify(A, events), y.notify(A, [...events].reverse())]);
        const [sx, sy] = await Promise.all([x.idle(10_000), y.idle(10_000)]);
        const expected = 30 + events.filter((e) => e.level >= 2).length;
        expect(sx.sent + sy.sent).toBe(expected);
        expect(http.accepted).toHaveLength(expected);
        const keys = http.accepted.map((h) => `${h.path} ${JSON.parse(h.body).timestamp}`);
        expect(new Set(keys).size).toBe(expected);
        await Promise.all([x.close(0), y.close(0)]);
      } finally {
        await http.close();
        await opened.drop();
      }
    }, 60_000);
  });
}
