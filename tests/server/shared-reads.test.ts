/**
 * The chain overview shared by its pollers (src/server/shared-reads.ts), on a
 * real service: concurrent requests make one read, an answer serves for the
 * ttl (or twice the read's time), a run's end drops it (its result shows at
 * once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedReads } from '../../src/server/shared-reads.ts';
import { type Harness, openHarness, SMALL_A, until } from './harness.ts';

describe('the shared chain overview', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('sqlite');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('concurrent requests share one read; the answer serves for the ttl, then is read again', async () => {
    const shared = sharedReads(h.service, 300);
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => shared.service.listChains()));
      expect(shared.reads).toBe(1);
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]!.length).toBeGreaterThan(0);
      await shared.service.listChains();
      expect(shared.reads).toBe(1);
      // kept at least the ttl (longer when the read was slow: twice its time), then read again
      const answered = Date.now();
      await until(async () => {
        await shared.service.listChains();
        return shared.reads === 2;
      }, 10_000);
      expect(Date.now() - answered).toBeGreaterThanOrEqual(250);
    } finally {
      shared.close();
    }
  });

  it('the end of a run drops the answer: its result shows at once', async () => {
    const shared = sharedReads(h.service, 60_000);
    try {
      const before = (await shared.service.listChains()).find(
        (c) => c.chain === SMALL_A.chain && c.controlUnitCode === SMALL_A.controlUnitCode,
      )!;
      expect(before.lastElaboratedAt).toBeNull();
      const { launchId } = await h.service.launch({ chains: [SMALL_A], mode: 'full' });
      await h.finished(launchId);
      const after = (await shared.service.listChains()).find(
        (c) => c.chain === SMALL_A.chain && c.controlUnitCode === SMALL_A.controlUnitCode,
      )!;
      expect(after.lastElaboratedAt).not.toBeNull();
      expect(shared.reads).toBe(2);
    } finally {
      shared.close();
    }
  });
});
