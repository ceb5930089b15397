/**
 * Notification rules and the delivery log (migration 006). A delivery is
 * claimed by inserting its row (unique on event key, level and rule) before
 * it is sent: whoever inserted it sends it, so it is sent once across
 * processes. A claim left `claimed` by a process that died is taken over by
 * a conditional UPDATE on its token, so only one process takes it.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChainKey } from '../../domain/chain.ts';
import { CatenaError } from '../../errors.ts';
import { formatDbTime } from '../../time.ts';
import type { SqlContext } from '../context.ts';
import type { SqlValue } from '../executor.ts';
import type {
  Delivery,
  DeliveryClaim,
  DeliveryKey,
  DeliveryStatus,
  DeliveryUpdate,
  NotifyRule,
  NotifyRuleInput,
  StaleEpisode,
} from '../port.ts';
import { parseRows } from '../rows.ts';
import { clampLimit } from '../sql.ts';

const num = z
  .union([z.number(), z.bigint().transform(Number), z.string().transform(Number)])
  .pipe(z.number());
const numOrNull = num.nullable();
const str = z.string();
const strOrNull = z.string().nullable();
const channel = z.enum(['email', 'webhook']);

const ruleSchema = z.object({
  id: num,
  controlUnitCode: strOrNull,
  chain: strOrNull,
  minLevel: num,
  metric: strOrNull,
  channel,
  target: str,
  createdAt: num,
}) satisfies z.ZodType<NotifyRule>;

const deliverySchema = z.object({
  controlUnitCode: str,
  chain: str,
  metric: str,
  timestamp: num,
  level: num,
  ruleId: num,
  previousLevel: num,
  nodeIndex: numOrNull,
  value: numOrNull,
  channel,
  target: str,
  attempts: num,
  status: z.enum(['claimed', 'sent', 'failed']),
  lastError: strOrNull,
  claimToken: str,
  claimedAt: num,
  sentAt: numOrNull,
}) satisfies z.ZodType<Delivery>;

function ruleSelect(ctx: SqlContext): string {
  return `id, controlUnitCode, chain, minLevel, metric, channel, target, ${ctx.dialect.epoch('createdAt')} AS createdAt`;
}

function deliverySelect(ctx: SqlContext): string {
  const e = ctx.dialect.epoch;
  return [
    'controlUnitCode',
    'chain',
    'metric',
    `${e('timestamp')} AS timestamp`,
    'level',
    'ruleId',
    'previousLevel',
    'nodeIndex',
    'value',
    'channel',
    'target',
    'attempts',
    'status',
    'lastError',
    'claimToken',
    `${e('claimedAt')} AS claimedAt`,
    `${e('sentAt')} AS sentAt`,
  ].join(', ');
}

const KEY_WHERE =
  'controlUnitCode = ? AND chain = ? AND metric = ? AND timestamp = ? AND level = ? AND ruleId = ?';

function keyParams(key: DeliveryKey): SqlValue[] {
  return [key.controlUnitCode, key.chain, key.metric, formatDbTime(key.timestamp), key.level, key.ruleId];
}

export async function listNotifyRules(ctx: SqlContext): Promise<NotifyRule[]> {
  const rows = await ctx.guard('reading the notification rules', () =>
    ctx.driver.all(`SELECT ${ruleSelect(ctx)} FROM catena_notify_rules ORDER BY id`),
  );
  return parseRows(ruleSchema, rows, 'catena_notify_rules');
}

export async function addNotifyRule(ctx: SqlContext, rule: NotifyRuleInput): Promise<NotifyRule> {
  if (!Number.isInteger(rule.minLevel) || rule.minLevel < 0) {
    throw new CatenaError('DATA_INVALID', `minimum level ${rule.minLevel} is not a whole number >= 0`, {
      column: 'minLevel',
    });
  }
  if (rule.target.trim() === '' || rule.target.length > 512) {
    throw new CatenaError('DATA_INVALID', 'the target must be 1 to 512 characters', { column: 'target' });
  }
  const result = await ctx.guard('saving a notification rule', () =>
    ctx.driver.run(
      'INSERT INTO catena_notify_rules (controlUnitCode, chain, minLevel, metric, channel, target, createdAt) ' +
        `VALUES (?, ?, ?, ?, ?, ?, ${ctx.dialect.nowTime})`,
      [rule.controlUnitCode, rule.chain, rule.minLevel, rule.metric, rule.channel, rule.target],
    ),
  );
  if (result.lastInsertId === null) {
    throw new CatenaError('STORE_ERROR', 'The database did not return the id of the new rule.');
  }
  const id = result.lastInsertId;
  const rows = await ctx.guard('reading a notification rule', () =>
    ctx.driver.all(`SELECT ${ruleSelect(ctx)} FROM catena_notify_rules WHERE id = ?`, [id]),
  );
  const [saved] = parseRows(ruleSchema, rows, 'catena_notify_rules');
  if (!saved) throw new CatenaError('STORE_ERROR', `Notification rule ${id} vanished after it was saved.`);
  return saved;
}

export async function removeNotifyRule(ctx: SqlContext, id: number): Promise<boolean> {
  const result = await ctx.guard(`removing notification rule ${id}`, () =>
    ctx.driver.run('DELETE FROM catena_notify_rules WHERE id = ?', [id]),
  );
  return result.changes > 0;
}

const CLAIM_COLUMNS = [
  'controlUnitCode',
  'chain',
  'metric',
  'timestamp',
  'level',
  'ruleId',
  'previousLevel',
  'nodeIndex',
  'value',
  'channel',
  'target',
  'attempts',
  'status',
  'claimToken',
  'claimedAt',
];
const KEY_COLUMNS = ['controlUnitCode', 'chain', 'metric', 'timestamp', 'level', 'ruleId'];

export async function claimDeliveries(
  ctx: SqlContext,
  claims: readonly DeliveryClaim[],
  token: string,
): Promise<DeliveryClaim[]> {
  if (claims.length === 0) return [];
  const sql =
    `INSERT INTO catena_notify_deliveries (${CLAIM_COLUMNS.join(', ')}) ` +
    `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'claimed', ?, ${ctx.dialect.nowTime})` +
    ctx.dialect.insertIgnore(KEY_COLUMNS);
  return ctx.guard('claiming notification deliveries', () =>
    ctx.driver.transaction(async (tx) => {
      const mine: DeliveryClaim[] = [];
      for (const c of claims) {
        const value = c.value === null || Number.isNaN(c.value) ? null : c.value;
        const result = await tx.run(sql, [
          ...keyParams(c),
          c.previousLevel,
          c.nodeIndex,
          value,
          c.channel,
          c.target.slice(0, 512),
          token,
        ]);
        if (result.changes === 1) mine.push(c);
      }
      return mine;
    }),
  );
}

export async function updateDelivery(
  ctx: SqlContext,
  key: DeliveryKey,
  token: string,
  update: DeliveryUpdate,
): Promise<boolean> {
  const sentAt = update.status === 'sent' ? ctx.dialect.nowTime : 'NULL';
  const result = await ctx.guard('recording a notification delivery', () =>
    ctx.driver.run(
      `UPDATE catena_notify_deliveries SET attempts = ?, status = ?, lastError = ?, sentAt = ${sentAt} ` +
        `WHERE ${KEY_WHERE} AND claimToken = ?`,
      [update.attempts, update.status, update.lastError?.slice(0, 4000) ?? null, ...keyParams(key), token],
    ),
  );
  return result.changes === 1;
}

export async function renewDeliveryClaims(ctx: SqlContext, token: string): Promise<number> {
  const result = await ctx.guard('renewing notification claims', () =>
    ctx.driver.run(
      `UPDATE catena_notify_deliveries SET claimedAt = ${ctx.dialect.nowTime} ` +
        "WHERE claimToken = ? AND status = 'claimed'",
      [token],
    ),
  );
  return result.changes;
}

export async function takeOverDeliveries(
  ctx: SqlContext,
  token: string,
  olderThanSeconds: number,
  limit?: number,
): Promise<Delivery[]> {
  const { dialect } = ctx;
  const rows = await ctx.guard('reading unfinished notification deliveries', () =>
    ctx.driver.all(
      `SELECT ${deliverySelect(ctx)} FROM catena_notify_deliveries WHERE status = 'claimed' AND ` +
        `${dialect.epoch('claimedAt')} < ${dialect.nowEpoch} - ? ORDER BY claimedAt LIMIT ?`,
      [olderThanSeconds, dialect.limit(clampLimit(limit, 1000))],
    ),
  );
  // Strictly older: a claim taken over this second (claimedAt = now) is never stale again at once,
  // even with a lease of 0, so two takers cannot pass one row from hand to hand.
  const stale = parseRows(deliverySchema, rows, 'catena_notify_deliveries');
  const taken: Delivery[] = [];
  for (const d of stale) {
    const result = await ctx.guard('taking over a notification delivery', () =>
      ctx.driver.run(
        `UPDATE catena_notify_deliveries SET claimToken = ?, claimedAt = ${dialect.nowTime} ` +
          `WHERE ${KEY_WHERE} AND claimToken = ? AND status = 'claimed'`,
        [token, ...keyParams(d), d.claimToken],
      ),
    );
    if (result.changes === 1) taken.push({ ...d, claimToken: token });
  }
  return taken;
}

export async function listDeliveries(
  ctx: SqlContext,
  filter: { status?: DeliveryStatus; limit?: number } = {},
): Promise<Delivery[]> {
  const where = filter.status ? ' WHERE status = ?' : '';
  const params: SqlValue[] = filter.status ? [filter.status] : [];
  params.push(ctx.dialect.limit(clampLimit(filter.limit, 1000)));
  const rows = await ctx.guard('reading the notification deliveries', () =>
    ctx.driver.all(
      `SELECT ${deliverySelect(ctx)} FROM catena_notify_deliveries${where} ` +
        'ORDER BY claimedAt DESC, controlUnitCode, chain, metric, timestamp, level, ruleId LIMIT ?',
      params,
    ),
  );
  return parseRows(deliverySchema, rows, 'catena_notify_deliveries');
}

/** A fresh claim token (one per notifier process). */
export function newClaimToken(): string {
  return randomUUID();
}

// --- stale-data episodes (007)

const episodeSchema = z.object({
  controlUnitCode: str,
  chain: str,
  since: num,
  staleAfterHours: numOrNull,
  detectedAt: num,
  endedAt: numOrNull,
  dataBackAt: numOrNull,
}) satisfies z.ZodType<StaleEpisode>;

export async function openStaleEpisode(
  ctx: SqlContext,
  key: ChainKey,
  since: number,
  staleAfterHours: number,
): Promise<boolean> {
  const result = await ctx.guard(`recording that chain ${key.controlUnitCode}-${key.chain} is stale`, () =>
    ctx.driver.run(
      'INSERT INTO catena_stale_episodes (controlUnitCode, chain, since, staleAfterHours, detectedAt) ' +
        `VALUES (?, ?, ?, ?, ${ctx.dialect.nowTime})` +
        ctx.dialect.insertIgnore(['controlUnitCode', 'chain', 'since']),
      [key.controlUnitCode, key.chain, formatDbTime(since), staleAfterHours],
    ),
  );
  return result.changes === 1;
}

export async function endStaleEpisode(
  ctx: SqlContext,
  key: ChainKey,
  since: number,
  dataBackAt: number | null,
): Promise<boolean> {
  const result = await ctx.guard(
    `recording that chain ${key.controlUnitCode}-${key.chain} has data again`,
    () =>
      ctx.driver.run(
        `UPDATE catena_stale_episodes SET endedAt = ${ctx.dialect.nowTime}, dataBackAt = ? ` +
          'WHERE controlUnitCode = ? AND chain = ? AND since = ? AND endedAt IS NULL',
        [
          dataBackAt === null ? null : formatDbTime(dataBackAt),
          key.controlUnitCode,
          key.chain,
          formatDbTime(since),
        ],
      ),
  );
  return result.changes === 1;
}

export async function listStaleEpisodes(
  ctx: SqlContext,
  filter: { open?: boolean; key?: ChainKey; limit?: number } = {},
): Promise<StaleEpisode[]> {
  const e = ctx.dialect.epoch;
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.open) where.push('endedAt IS NULL');
  if (filter.key) {
    where.push('controlUnitCode = ? AND chain = ?');
    params.push(filter.key.controlUnitCode, filter.key.chain);
  }
  params.push(ctx.dialect.limit(clampLimit(filter.limit, 10_000)));
  const rows = await ctx.guard('reading the stale-data episodes', () =>
    ctx.driver.all(
      `SELECT controlUnitCode, chain, ${e('since')} AS since, staleAfterHours, ${e('detectedAt')} AS detectedAt, ` +
        `${e('endedAt')} AS endedAt, ${e('dataBackAt')} AS dataBackAt FROM catena_stale_episodes` +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY since DESC, controlUnitCode, chain LIMIT ?',
      params,
    ),
  );
  return parseRows(episodeSchema, rows, 'catena_stale_episodes');
}
