/**
 * Chain locks: one elaboration of a chain at a time, across stores,
 * processes and workstations, on both databases. A lock is a lease on the
 * database's clock: a holder that stops renewing it loses it, and a write
 * that still carries the lost lock is refused with CHAIN_LOCK_LOST.
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/open.ts';
import { elaborated, node, station } from './fixtures.ts';
import { DIALECTS, removeTmp } from './targets.ts';

afterAll(removeTmp);

const A = { controlUnitCode: 'CU001', chain: 'A' };
const B = { controlUnitCode: 'CU001', chain: 'B' };
const HOLDER = { runId: null, host: 'test' };

const storeModule = new URL('../../src/core/store/open.ts', import.meta.url).href;

for (const target of DIALECTS) {
  describe.runIf(target.available)(`chain locks on ${target.name}`, () => {
    it('a held chain cannot be locked again, by this store or another one, until released; other chains are free', async () => {
      const opened = await target.create({ migrate: true });
      const second = await openStore(opened.url);
      try {
        const held = await opened.store.lockChain(A, HOLDER);
        expect(held).not.toBeNull();
        expect(await opened.store.lockChain(A, HOLDER)).toBeNull();
        expect(await second.lockChain(A, HOLDER)).toBeNull();
        const other = await second.lockChain(B, HOLDER);
        expect(other).not.toBeNull();
        expect(await held!.renew()).toBe(true);
        await other!.release();
        await held!.release();
        const again = await second.lockChain(A, HOLDER);
        expect(again).not.toBeNull();
        await again!.release();
      } finally {
        await second.close();
        await opened.drop();
      }
    });

    it('another process cannot take a chain this process holds', async () => {
      const opened = await target.create({ migrate: true });
      try {
        const held = await opened.store.lockChain(A, HOLDER);
        expect(held).not.toBeNull();
        const script =
          `const { openStore } = await import(${JSON.stringify(storeModule)});` +
          `const s = await openStore(${JSON.stringify(opened.url)});` +
          `const l = await s.lockChain(${JSON.stringify(A)}, { runId: null, host: 'child' });` +
          'process.stdout.write(l === null ? "refused" : "taken"); await s.close();';
        // A script file, not `-e`: flags like --input-type would be inherited by SQLite's worker thread.
        const file = join(tmpdir(), `catena-lock-child-${process.pid}-${Date.now()}.mjs`);
        await writeFile(file, script);
        const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 30_000 }).finally(
          () => rm(file, { force: true }),
        );
        expect(stdout).toBe('refused');
        await held!.release();
      } finally {
        await opened.drop();
      }
    });

    it('a holder that stops renewing loses the lock when the lease runs out; its writes are refused', async () => {
      const opened = await target.create({ migrate: true, leaseSeconds: 1 });
      const other = await openStore(opened.url, { leaseSeconds: 1 });
      try {
        await opened.store.upsertStation(station(A));
        await opened.store.replaceChainConfig(A, [node(A, 1)], []);
        const stale = await opened.store.lockChain(A, HOLDER);
        expect(stale).not.toBeNull();
        // The database's clock counts whole seconds: the lease is over after at most 2 s.
        let taken = null;
        for (let i = 0; i < 40 && !taken; i++) {
          taken = await other.lockChain(A, { runId: null, host: 'other' });
          if (!taken) await sleep(100);
        }
        expect(taken).not.toBeNull();
        expect(await stale!.renew()).toBe(false);
        const runId = await opened.store.startRun({
          ...A,
          launchId: 'L',
          mode: 'full',
          spanFrom: null,
          spanTo: null,
          host: 'h',
        });
        await expect(
          opened.store.writeChunk({
            ...A,
            runId,
            rows: elaborated([{ t: 1_800_000_000, n: 1 }]),
            eventsFrom: 1_800_000_000,
            eventsTo: 1_800_000_000,
            events: [],
            lock: stale!,
          }),
        ).rejects.toMatchObject({ code: 'CHAIN_LOCK_LOST' });
        expect(await opened.store.lastElaboratedAt(A)).toBeNull();
        await taken!.release();
      } finally {
        await other.close();
        await opened.drop();
      }
    });

    if (target.dialect === 'mysql') {
      it('on a case-insensitive collation, B and b are one chain and one lock', async () => {
        const opened = await target.create({ migrate: true });
        try {
          const upper = await opened.store.lockChain(B, HOLDER);
          expect(upper).not.toBeNull();
          expect(await opened.store.lockChain({ controlUnitCode: 'cu001', chain: 'b' }, HOLDER)).toBeNull();
          await upper!.release();
        } finally {
          await opened.drop();
        }
      });
    }
  });
}
