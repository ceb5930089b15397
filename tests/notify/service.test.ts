/**
 * The notifier inside the service (every host opens it): a full launch
 * delivers each new event once per target through the environment's SMTP
 * server and webhook secret; a later service on the same database, launching
 * again, delivers nothing; the rules are managed through the service.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { installDemoSite } from '../../src/core/demo/install.ts';
import { openCatenaService } from '../../src/core/service/service.ts';
import { openStore } from '../../src/core/store/open.ts';
import { parseProfile } from '../../src/core/store/profile.ts';
import { startHttp, startSmtp } from './receivers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'catena-notify-service-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('a launch of the service notifies once per (event, target); a second service launching again sends nothing', async () => {
  const db = `sqlite:${join(tmp, 'site.db')}`;
  const store = await openStore(parseProfile(db));
  await store.migrate();
  await installDemoSite(store, { days: 6 });
  await store.close();
  const http = await startHttp();
  const smtp = await startSmtp();
  const env = {
    CATENA_SMTP_URL: smtp.url,
    CATENA_WEBHOOK_SECRET: 'shh',
    CATENA_CONSOLE_URL: 'http://console.local',
  };
  const warnings: string[] = [];
  // alarm events only here: the demo's month-old data is stale, and stale notifications are tests/notify/stale.test.ts's
  const open = () =>
    openCatenaService({ db, env, staleCheckMinutes: 0, onNotifyWarning: (w) => warnings.push(w) });
  try {
    const first = await open();
    await first.notifications.addRule({
      controlUnitCode: null,
      chain: null,
      minLevel: 1,
      metric: null,
      channel: 'webhook',
      target: http.url,
    });
    await first.notifications.addRule({
      controlUnitCode: 'CU001',
      chain: 'A',
      minLevel: 1,
      metric: null,
      channel: 'email',
      target: 'ops@example.com',
    });
    expect(await first.notifications.rules()).toHaveLength(2);
    const launch = await first.launch({ chains: 'all-active', mode: 'full' });
    await first.whenDone(launch.launchId);
    const stats = await first.notifications.settle(30_000);
    const events = await first.events({ limit: 100_000 });
    const all = events.filter((e) => Math.max(e.level, e.previousLevel) >= 1);
    const cu001a = all.filter((e) => e.controlUnitCode === 'CU001' && e.chain === 'A');
    expect(all.length).toBeGreaterThan(0);
    expect(stats).toMatchObject({ sent: all.length + cu001a.length, failed: 0, pending: 0 });
    expect(http.accepted).toHaveLength(all.length);
    expect(smtp.mails).toHaveLength(cu001a.length);
    for (const hit of http.accepted) {
      const mac = createHmac('sha256', 'shh').update(hit.body).digest('hex');
      expect(hit.headers['x-catena-signature']).toBe(`sha256=${mac}`);
    }
    // every event's deliveries are done: its notifiedAt is set (rsn_alarm_events)
    const notified = await first.events({ limit: 100_000 });
    expect(notified.every((e) => e.notifiedAt !== null)).toBe(true);
    const deliveries = await first.notifications.deliveries();
    expect(deliveries.every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
    await first.close();

    const second = await open();
    const again = await second.launch({ chains: 'all-active', mode: 'full' });
    await second.whenDone(again.launchId);
    expect(await second.notifications.settle(30_000)).toMatchObject({ claimed: 0, sent: 0 });
    // a re-run computes the same events: their notifiedAt stays as it was
    const again2 = await second.events({ limit: 100_000 });
    expect(again2.map((e) => e.notifiedAt)).toEqual(notified.map((e) => e.notifiedAt));
    await second.close();
    expect(http.hits).toHaveLength(all.length);
    expect(smtp.mails).toHaveLength(cu001a.length);
    expect(warnings).toEqual([]);
  } finally {
    await http.close();
    await smtp.close();
  }
}, 120_000);
