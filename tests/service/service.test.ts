/**
 * The service as the hosts use it, on the default demo database of a fresh
 * data folder (CATENA_HOME): first use creates the demo site, a launch
 * streams its events and ends, later opens reuse what is there.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/core/engine/events.ts';
import { openCatenaService } from '../../src/core/service/service.ts';

const home = mkdtempSync(join(tmpdir(), 'catena-home-'));
let previous: string | undefined;

beforeAll(() => {
  previous = process.env.CATENA_HOME;
  process.env.CATENA_HOME = home;
});

afterAll(() => {
  if (previous === undefined) delete process.env.CATENA_HOME;
  else process.env.CATENA_HOME = previous;
  rmSync(home, { recursive: true, force: true });
});

describe('service on the default demo database', () => {
  it('first use creates the demo site in the data folder, leaving no side file', async () => {
    const service = await openCatenaService({ ensureDemo: true });
    try {
      expect(service.info().location).toBe(`sqlite:${join(home, 'demo.db')}`);
      expect(await service.listChains()).toHaveLength(6);
      expect(readdirSync(home).filter((f) => f.includes('partial'))).toEqual([]);
    } finally {
      await service.close();
    }
  });

  it('a launch streams progress and results; chainNodes and quality describe the outcome', async () => {
    const service = await openCatenaService({ ensureDemo: true });
    const events: EngineEvent[] = [];
    const off = service.onEvent((e) => events.push(e));
    try {
      const key = { controlUnitCode: 'CU002', chain: 'B' };
      const { launchId } = await service.launch({ chains: [key], mode: 'full' });
      await new Promise<void>((resolve) => {
        const stop = service.onEvent((e) => {
          if (e.type === 'launch-finished' && e.launchId === launchId) {
            stop();
            resolve();
          }
        });
      });
      const kinds = new Set(events.map((e) => e.type));
      expect(kinds).toEqual(
        new Set(['launch-started', 'chain-progress', 'chain-finished', 'launch-finished']),
      );
      const finished = events.find((e) => e.type === 'chain-finished');
      expect(finished?.type === 'chain-finished' && finished.result.status).toBe('succeeded');

      const nodes = await service.chainNodes(key);
      expect(nodes.nodes).toHaveLength(8);
      expect(nodes.nodes.every((n) => typeof n.depthM === 'number')).toBe(true);
      // no referenceTime: the datum is the chain's first reading (the demo starts on 2026-09-02)
      expect(nodes.referenceTime).toBeNull();
      expect(nodes.datum).toBe(Date.UTC(2026, 8, 2) / 1000);
      // CU002-A's zero reading is set in active_stations: it is the datum
      const withReference = await service.chainNodes({ controlUnitCode: 'CU002', chain: 'A' });
      expect(withReference.referenceTime).toBe(Date.UTC(2026, 8, 9) / 1000);
      expect(withReference.datum).toBe(withReference.referenceTime);
      const quality = await service.quality({ key });
      const rows = quality.reduce((s, q) => s + q.rows, 0);
      expect(rows).toBe(8 * 2880);
      // node 5 dies on day 46 of 60 (demo layout): its rows are invalid from then on
      const node5 = quality.find((q) => q.nodeIndex === 5)!;
      expect(node5.invalid).toBeGreaterThan(500);
      // it said why: its last valid row is on 2026-10-18 (before 14:30), and its raw rows say errorCode 3 since
      expect(new Date(node5.lastValidAt! * 1000).toISOString().slice(0, 10)).toBe('2026-10-18');
      expect(node5.lastValidAt!).toBeLessThan(Date.UTC(2026, 9, 18, 14, 30) / 1000);
      expect(node5.errorCodeAfter).toBe(3);
      expect(quality.find((q) => q.nodeIndex === 8)).toMatchObject({ errorCodeAfter: null });
      expect(quality.find((q) => q.nodeIndex === 8)!.lastValidAt).toBe(
        quality.find((q) => q.nodeIndex === 8)!.lastAt,
      );
    } finally {
      off();
      await service.close();
    }
  });

  it('a second open reuses the existing database (the elaborated rows are still there)', async () => {
    expect(existsSync(join(home, 'demo.db'))).toBe(true);
    const service = await openCatenaService({ ensureDemo: true });
    try {
      const chain = (await service.listChains()).find(
        (c) => c.controlUnitCode === 'CU002' && c.chain === 'B',
      )!;
      expect(chain.lastElaboratedAt).toBe(chain.lastRawAt);
    } finally {
      await service.close();
    }
  });
});
