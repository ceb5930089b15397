/**
 * Chain locks: one elaboration of a chain at a time, across launches and,
 * on MySQL, across workstations; a holder that dies frees the lock.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/open.ts';
import { DIALECTS, removeTmp } from './targets.ts';

afterAll(removeTmp);

const A = { controlUnitCode: 'CU001', chain: 'A' };
const B = { controlUnitCode: 'CU001', chain: 'B' };

for (const target of DIALECTS) {
  describe.runIf(target.available)(`chain locks on ${target.name}`, () => {
    it('a held chain cannot be locked again until released; other chains are free', async () => {
      const opened = await target.create();
      const second = await openStore(opened.url);
      try {
        const held = await opened.store.lockChain(A);
        expect(held).not.toBeNull();
        expect(await second.lockChain(A)).toBeNull();
        const other = await second.lockChain(B);
        expect(other).not.toBeNull();
        await other!.release();
        await held!.release();
        const again = await second.lockChain(A);
        expect(again).not.toBeNull();
        await again!.release();
      } finally {
        await second.close();
        await opened.drop();
      }
    });

    if (target.dialect === 'mysql') {
      it('a workstation that dies (its lock connection ends) frees the lock', async () => {
        const opened = await target.create();
        const dying = await openStore(opened.url);
        try {
          const held = await dying.lockChain(A);
          expect(held).not.toBeNull();
          expect(await opened.store.lockChain(A)).toBeNull();
          // Kill every other connection of this database: the dying workstation's lock connection among them.
          const others = await opened.sql.rows(
            'SELECT ID FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()',
          );
          for (const o of others) await opened.sql.exec(`KILL CONNECTION ${Number(o.ID)}`).catch(() => {});
          let free = null;
          for (let i = 0; i < 50 && !free; i++) {
            free = await opened.store.lockChain(A);
            if (!free) await new Promise((r) => setTimeout(r, 20));
          }
          expect(free).not.toBeNull();
          await free!.release();
        } finally {
          await dying.close().catch(() => {});
          await opened.drop();
        }
      });
    }
  });
}
