/**
 * The scheduler: incremental launches of every active chain on a cron, never
 * overlapping themselves (a tick while the previous one runs is skipped and
 * logged), visible at GET /api/v1/schedule. Ticks are driven by hand (the
 * cron's own timer is a seconds-level cron in one test).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScheduleView } from '../../src/contract/api.ts';
import { cronProblem, Scheduler } from '../../src/server/scheduler.ts';
import { BIG, body, type Harness, openHarness, SMALL_A, SMALL_B, until } from './harness.ts';

interface Line {
  level: string;
  object: Record<string, unknown>;
  message: string;
}

function recorder() {
  const lines: Line[] = [];
  const at = (level: string) => (object: object, message: string) =>
    lines.push({ level, object: object as Record<string, unknown>, message });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('scheduler', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness('sqlite');
  });
  afterEach(async () => {
    await h.close();
  });

  it('refuses a cron expression it cannot read', () => {
    expect(cronProblem('*/10 * * * *')).toBeNull();
    expect(cronProblem('*/5 * * * * *')).toBeNull();
    expect(cronProblem('every tuesday')).toMatch(/not a cron expression/);
  });

  it('launches all active chains incrementally, skips a tick while it runs, and shows it at /api/v1/schedule', async () => {
    const { lines, log } = recorder();
    let scheduler: Scheduler | null = null;
    const app = await h.serve({
      schedule: (host) => {
        scheduler = new Scheduler({ host, cron: '0 0 1 1 *', log, timezone: 'UTC' });
        return scheduler;
      },
    });
    const s = scheduler as unknown as Scheduler;
    const before = body<ScheduleView>(await app.inject({ url: '/api/v1/schedule' }));
    expect(before).toMatchObject({
      enabled: true,
      cron: '0 0 1 1 *',
      timezone: 'UTC',
      running: null,
      last: null,
    });
    expect(new Date(before.nextRun! * 1000).toISOString()).toMatch(/-01-01T00:00:00\.000Z$/);

    h.gate.close(); // the launch's writes wait: it runs until the gate opens
    await s.tick(new Date('2027-01-01T00:00:00Z'));
    const running = body<ScheduleView>(await app.inject({ url: '/api/v1/schedule' }));
    expect(running.running).not.toBeNull();
    expect(running.last).toMatchObject({ launchId: running.running, outcome: 'running', finishedAt: null });
    expect(running.last!.chains).toEqual(expect.arrayContaining([SMALL_A, SMALL_B, BIG]));
    expect(running.last!.chains).toHaveLength(3); // the inactive chain is not launched
    const launchId = running.running!;

    // the next tick, while it still runs: skipped and logged, no second launch
    await s.tick(new Date('2027-01-01T00:10:00Z'));
    const skipped = body<ScheduleView>(await app.inject({ url: '/api/v1/schedule' }));
    expect(skipped).toMatchObject({
      running: launchId,
      ticks: 2,
      skippedTicks: 1,
      lastSkippedAt: 1_798_762_200,
    });
    expect(h.service.runningLaunches()).toEqual([launchId]);
    expect(lines.find((l) => l.object.event === 'schedule-skipped')).toMatchObject({ level: 'warn' });

    h.gate.open();
    await h.service.whenDone(launchId).catch(() => undefined);
    await until(
      async () => body<ScheduleView>(await app.inject({ url: '/api/v1/schedule' })).running === null,
    );
    const done = body<ScheduleView>(await app.inject({ url: '/api/v1/schedule' }));
    expect(done.last).toMatchObject({ launchId, outcome: 'succeeded' });
    expect(done.last!.finishedAt).not.toBeNull();
    const runs = await h.service.listRuns({ launchId });
    expect(runs.every((r) => r.mode === 'incremental' && r.status === 'succeeded')).toBe(true);

    // the tick after it: a new launch
    await s.tick(new Date('2027-01-01T00:20:00Z'));
    const next = s.view();
    expect(next.running).not.toBeNull();
    expect(next.running).not.toBe(launchId);
    await h.service.whenDone(next.running!).catch(() => undefined);
    expect(lines.filter((l) => l.object.event === 'schedule-launch')).toHaveLength(2);
  }, 120_000);

  it('records a tick that finds every active chain already running as skipped, not failed', async () => {
    const { lines, log } = recorder();
    const app = await h.serve();
    const s = new Scheduler({
      host: {
        service: h.service,
        start: async () => {
          const { HostRefusal } = await import('../../src/contract/errors.ts');
          throw new HostRefusal('CHAIN_RUNNING', 'all running', {
            extra: { running: [{ ...SMALL_A, launchId: 'x', host: 'other-host' }] },
          });
        },
      } as never,
      cron: '*/10 * * * *',
      log,
    });
    await s.tick();
    expect(s.view().last).toMatchObject({ launchId: null, outcome: 'skipped', skipped: [{ ...SMALL_A }] });
    expect(lines.some((l) => l.level === 'error')).toBe(false);
    // a host without a schedule says so
    expect(body<ScheduleView>(await app.inject({ url: '/api/v1/schedule' }))).toMatchObject({
      enabled: false,
      nextRun: null,
    });
  });

  it('fires on its cron (a seconds-level one) and never overlaps itself', async () => {
    const { lines, log } = recorder();
    let scheduler: Scheduler | null = null;
    await h.serve({
      schedule: (host) => {
        scheduler = new Scheduler({ host, cron: '* * * * * *', log });
        return scheduler;
      },
    });
    const s = scheduler as unknown as Scheduler;
    h.gate.close();
    s.start();
    await until(() => s.view().skippedTicks >= 2, 10_000);
    expect(h.service.runningLaunches()).toHaveLength(1);
    s.stop();
    h.gate.open();
    const id = s.view().running;
    if (id) await h.service.whenDone(id).catch(() => undefined);
    expect(lines.filter((l) => l.object.event === 'schedule-launch')).toHaveLength(1);
    expect(s.view().nextRun).toBeNull();
  }, 60_000);
});
