/**
 * WebSocket `/api/v1/stream`: subscriptions, each message JSON and
 * validated with these schemas.
 *
 * A client sends
 *   {"subscribe":"launches"}                    the engine's events (progress dropped when the client lags)
 *   {"subscribe":"alarms"}                      alarm events created by runs, as runs finish
 *   {"subscribe":"live","chains":["CU001:A"]}   after each commit: every row it brought, and the newest row of every node
 *   {"unsubscribe":"launches"|"alarms"|"live"[, "chains":[…]]}
 *   {"type":"ping"}
 * and the server answers `subscribed` / `unsubscribed`, then the messages
 * below. A message that does not validate is answered `{"type":"error"}`,
 * and the socket stays open.
 */
import { z } from 'zod';
import { latestRowSchema, latestViewSchema } from './api.ts';
import { engineEventSchema } from './events.ts';
import { alarmEventSchema } from './outputs.ts';
import { chainKeySchema, wireErrorSchema } from './schemas.ts';

/** `CU001:A` (or `CU001/A`) → a chain key. */
export const chainRefSchema = z
  .string()
  .max(64)
  .transform((value, ctx) => {
    const m = /^([^:/\s]{1,32})[:/]([^:/\s]{1,16})$/.exec(value.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a chain; write it as CU001:A` });
      return z.NEVER;
    }
    return { controlUnitCode: m[1]!, chain: m[2]! };
  });

/** At most this many chains per live subscription message. */
export const LIVE_CHAINS_MAX = 100;

const liveChains = z.array(chainRefSchema).min(1, 'name at least one chain').max(LIVE_CHAINS_MAX);
const topic = z.enum(['launches', 'alarms', 'live']);

export const liveSubscriptionSchema = z.object({ subscribe: z.literal('live'), chains: liveChains }).strict();

export const streamClientMessageSchema = z.union([
  z.object({ subscribe: z.literal('launches') }).strict(),
  z.object({ subscribe: z.literal('alarms') }).strict(),
  liveSubscriptionSchema,
  z.object({ unsubscribe: topic, chains: liveChains.optional() }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);
export type StreamClientMessage = z.output<typeof streamClientMessageSchema>;

/** At most this many rows in one live message (the newest are kept; `complete` is then false). */
export const LIVE_ROWS_MAX = 10_000;

export const liveMessageSchema = latestViewSchema.extend({
  type: z.literal('live'),
  since: z
    .number()
    .nullable()
    .describe(
      'rows holds every row of timestamp > since (the newest timestamp of the previous message; its rows, ' +
        'if a re-run rewrote them, come in nodes); null = from the first',
    ),
  rows: z
    .array(latestRowSchema)
    .describe(
      'every elaborated row committed since the previous message, oldest first (empty on subscribing); ' +
        `at most ${LIVE_ROWS_MAX}, the newest`,
    ),
  complete: z
    .boolean()
    .describe(
      'false when this client may have missed rows before `since`: more rows than fit, or an earlier ' +
        'message not sent because the client lagged; read the span again (GET …/series)',
    ),
});
export type LiveMessage = z.output<typeof liveMessageSchema>;

export const alarmsMessageSchema = chainKeySchema.extend({
  type: z.literal('alarms'),
  launchId: z.string(),
  runId: z.number().nullable(),
  events: z.array(alarmEventSchema).describe('the alarm events the run created, newest first'),
});
export type AlarmsMessage = z.output<typeof alarmsMessageSchema>;

export const streamServerMessageSchema = z.union([
  engineEventSchema,
  liveMessageSchema,
  alarmsMessageSchema,
  z.object({
    type: z.enum(['subscribed', 'unsubscribed']),
    topic,
    chains: z.array(chainKeySchema).optional(),
  }),
  z.object({ type: z.literal('pong'), at: z.number() }),
  z.object({ type: z.literal('error'), error: wireErrorSchema }),
]);
export type StreamServerMessage = z.output<typeof streamServerMessageSchema>;
