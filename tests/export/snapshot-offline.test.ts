/**
 * Offline review with the server gone (issue: offline review, "done when"):
 * two chains of a MariaDB site are elaborated, a snapshot of them is taken
 * through the service as the app does, then the MariaDB server is stopped.
 * The snapshot opens without it, read-only, and every results screen's
 * method answers exactly what it answered on the live database; launches are
 * refused with a clear error.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installDemoSite } from '../../src/core/demo/install.ts';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import { CatenaError } from '../../src/core/errors.ts';
import { openCatenaService } from '../../src/core/service/service.ts';
import type { CatenaService } from '../../src/core/service/types.ts';
import { openStore } from '../../src/core/store/open.ts';
import { poll } from '../faults/helpers.ts';
import {
  type PrivateMariadb,
  privateMariadbAvailable,
  startPrivateMariadb,
} from '../support/private-mariadb.ts';

const available = privateMariadbAvailable();
const A: ChainKey = { controlUnitCode: 'CU001', chain: 'A' };
const B: ChainKey = { controlUnitCode: 'CU001', chain: 'B' };
const OUT = join(tmpdir(), `catena-offline-${process.pid}.db`);
const HOME = join(tmpdir(), `catena-offline-home-${process.pid}`);
const ENV = { CATENA_HOME: HOME };

/** What every results screen reads for a chain, through the service. */
async function resultsOf(service: CatenaService, key: ChainKey) {
  const nodes = await service.chainNodes(key);
  const series = await service.series({ key, from: null, to: null });
  const node = nodes.nodes.find((n) => n.enabled)!.nodeIndex;
  return {
    // The overview without what comes from the raw rows, which a snapshot without --with-raw
    // leaves out, and without `stale`, judged on the database's clock (the snapshot's is now).
    overview: (await service.listChains())
      .filter((c) => c.controlUnitCode === key.controlUnitCode && c.chain === key.chain)
      .map(({ stale: _s, rawRowCount: _n, firstRawAt: _f, lastRawAt: _l, ...rest }) => rest),
    nodes,
    rows: series.length,
    series: Array.from(series.cumR.slice(0, 500)),
    timestamps: Array.from(series.timestamp.slice(-500)),
    nodeSeries: Array.from((await service.series({ key, nodeIndex: node, from: null, to: null })).alphaX),
    quality: await service.quality({ key }),
    events: await service.events({ key, limit: 10_000 }),
    runs: await service.listRuns({ key }),
  };
}

describe.skipIf(!available)('a snapshot of two MariaDB chains, with MariaDB stopped', () => {
  let server: PrivateMariadb;
  let live: Record<string, Awaited<ReturnType<typeof resultsOf>>> = {};

  beforeAll(async () => {
    server = await startPrivateMariadb();
    const store = await openStore(server.url, { migrate: true });
    try {
      await installDemoSite(store, { days: 6 });
    } finally {
      await store.close();
    }
    const service = await openCatenaService({ db: server.url, env: ENV, staleCheckMinutes: 0 });
    try {
      const { launchId } = await service.launch({ chains: [A, B], mode: 'full' });
      const done = await service.whenDone(launchId);
      expect(done.results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      await service.takeSnapshot({ out: OUT, chains: [A, B] });
      const job = await poll(async () => {
        const j = service.snapshotStatus();
        return j && j.state !== 'running' ? j : null;
      }, 60_000);
      expect(job.state, job.message ?? '').toBe('succeeded');
      live = { A: await resultsOf(service, A), B: await resultsOf(service, B) };
    } finally {
      await service.close();
    }
    await server.stop();
  }, 240_000);

  afterAll(async () => {
    await server?.destroy();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${OUT}${suffix}`, { force: true });
    rmSync(HOME, { recursive: true, force: true });
  });

  it('opens read-only and every results method answers as it did on the live database', async () => {
    expect(server.running).toBe(false);
    const offline = await openCatenaService({ db: `sqlite:${OUT}`, env: ENV, staleCheckMinutes: 0 });
    try {
      const info = offline.info();
      expect(info.readOnly).toBe(true);
      expect(info.snapshot?.chains).toEqual(['CU001-A', 'CU001-B']);
      expect(info.snapshot?.source).toContain(`127.0.0.1:${server.port}`);
      expect((await offline.listChains()).map((c) => `${c.controlUnitCode}-${c.chain}`)).toEqual([
        'CU001-A',
        'CU001-B',
      ]);
      for (const [name, key] of [
        ['A', A],
        ['B', B],
      ] as const) {
        const off = await resultsOf(offline, key);
        expect(off.rows).toBeGreaterThan(1000);
        expect(off.runs.length).toBeGreaterThan(0);
        expect(off).toEqual(live[name]);
        const report = await offline.chainReport({ key });
        expect(Buffer.from(report.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
        expect(report.pages).toBeGreaterThan(0);
      }
      const refused = await offline.launch({ chains: [A], mode: 'full' }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CatenaError);
      expect((refused as CatenaError).code).toBe('READ_ONLY');
    } finally {
      await offline.close();
    }
  }, 120_000);
});
