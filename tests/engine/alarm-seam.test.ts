/**
 * The alarm seam: a launch raises each new event once, after its batch is
 * committed, as an `alarms-raised` engine event that the contract's schema
 * accepts (so it reaches IPC and WebSocket); a second launch raises nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineEventSchema } from '../../src/contract/events.ts';
import { installDemoSite } from '../../src/core/demo/install.ts';
import { Engine } from '../../src/core/engine/engine.ts';
import type { AlarmsRaisedEvent, EngineEvent } from '../../src/core/engine/events.ts';
import { openStore } from '../../src/core/store/open.ts';
import type { Store } from '../../src/core/store/port.ts';
import { parseProfile } from '../../src/core/store/profile.ts';

const tmp = mkdtempSync(join(tmpdir(), 'catena-seam-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function launchAll(store: Store): Promise<{ raised: AlarmsRaisedEvent[]; created: number }> {
  const engine = new Engine({ store, threads: 2, tuning: { writeRows: 2_000 } });
  const raised: AlarmsRaisedEvent[] = [];
  const off = engine.onEvent((e: EngineEvent) => {
    if (e.type === 'alarms-raised') raised.push(e);
  });
  try {
    const launch = await engine.launch({ chains: 'all-active', mode: 'full' });
    const done = await launch.done;
    for (const r of done.results) expect(r.status, r.message ?? '').toBe('succeeded');
    return { raised, created: done.results.reduce((s, r) => s + r.eventsCreated, 0) };
  } finally {
    off();
    await engine.close();
  }
}

describe('alarm seam', () => {
  it('raises every new event once, and nothing on a second launch', async () => {
    const store = await openStore(parseProfile(`sqlite:${join(tmp, 'seam.db')}`));
    try {
      await installDemoSite(store, { days: 8 });
      const first = await launchAll(store);
      const events = first.raised.flatMap((r) =>
        r.events.map((e) => ({ ...e, key: `${r.controlUnitCode}:${r.chain}` })),
      );
      expect(events.length).toBeGreaterThan(0);
      expect(events.length).toBe(first.created);
      const keys = events.map((e) => `${e.key}/${e.metric}/${e.timestamp}`);
      expect(new Set(keys).size).toBe(keys.length);
      const stored = await store.listEvents({ limit: 100_000 });
      expect(stored.length).toBe(events.length);
      for (const r of first.raised) expect(engineEventSchema.parse(r)).toEqual(r);
      const second = await launchAll(store);
      expect(second.raised).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
