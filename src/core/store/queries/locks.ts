/**
 * Chain locks as rows of catena_chain_locks with a lease on the database's
 * clock: the same SQL on every database, transactional (a commit checks and
 * renews the lease in its own transaction), across processes and
 * workstations, and self-healing (a holder that dies or freezes loses the
 * chain when its lease runs out).
 */
import { randomUUID } from 'node:crypto';
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import { CatenaError } from '../../errors.ts';
import type { SqlContext } from '../context.ts';
import type { Executor } from '../executor.ts';
import type { ChainLock, LockHolder } from '../port.ts';

const LOCK_COLUMNS = [
  'controlUnitCode',
  'chain',
  'token',
  'runId',
  'host',
  'acquiredAt',
  'expiresAt',
  'beats',
];

export async function lockChain(
  ctx: SqlContext,
  key: ChainKey,
  holder: LockHolder,
): Promise<ChainLock | null> {
  const { dialect, leaseSeconds } = ctx;
  const token = randomUUID();
  const keyParams = [key.controlUnitCode, key.chain];
  const acquired = await ctx.guard(`taking the lock of chain ${chainLabel(key)}`, () =>
    ctx.driver.transaction(async (tx) => {
      await tx.run(
        `DELETE FROM catena_chain_locks WHERE controlUnitCode = ? AND chain = ? AND expiresAt < ${dialect.nowEpoch}`,
        keyParams,
      );
      // acquiredAt and expiresAt come from the database's clock, which every workstation shares.
      const now = dialect.nowEpoch;
      const insert =
        `INSERT INTO catena_chain_locks (${LOCK_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ${now}, ${now} + ?, 0)` +
        dialect.insertIgnore(['controlUnitCode', 'chain']);
      const result = await tx.run(insert, [
        ...keyParams,
        token,
        holder.runId,
        holder.host.slice(0, 255),
        leaseSeconds,
      ]);
      return result.changes === 1;
    }),
  );
  if (!acquired) return null;
  return {
    token,
    renew: () =>
      ctx.guard(`renewing the lock of chain ${chainLabel(key)}`, () =>
        ctx.driver.run(renewSql(ctx), [leaseSeconds, ...keyParams, token]).then((r) => r.changes === 1),
      ),
    release: async () => {
      await ctx.guard(`releasing the lock of chain ${chainLabel(key)}`, () =>
        ctx.driver.run(
          'DELETE FROM catena_chain_locks WHERE controlUnitCode = ? AND chain = ? AND token = ?',
          [...keyParams, token],
        ),
      );
    },
  };
}

function renewSql(ctx: SqlContext): string {
  const now = ctx.dialect.nowEpoch;
  // beats changes every time, so the row counts as changed even within one second (MySQL counts changed rows).
  return (
    `UPDATE catena_chain_locks SET expiresAt = ${now} + ?, beats = beats + 1 ` +
    `WHERE controlUnitCode = ? AND chain = ? AND token = ? AND expiresAt >= ${now}`
  );
}

/** Inside a write's transaction: renews the lease, or fails with CHAIN_LOCK_LOST when it is no longer held. */
export async function renewLease(ctx: SqlContext, tx: Executor, key: ChainKey, token: string): Promise<void> {
  const result = await tx.run(renewSql(ctx), [ctx.leaseSeconds, key.controlUnitCode, key.chain, token]);
  if (result.changes !== 1) {
    throw new CatenaError(
      'CHAIN_LOCK_LOST',
      `chain ${chainLabel(key)}: this run lost its lock on the chain (its lease of ${ctx.leaseSeconds} s ran out, ` +
        'e.g. after the database or this computer stalled) and stopped before writing more; what it committed ' +
        'is kept, and the next incremental run resumes after it',
      key,
    );
  }
}
