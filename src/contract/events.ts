/**
 * The events the interface receives: the engine's EngineEvent, validated by
 * the clients (IPC and WebSocket alike) before the interface sees them, and
 * the few messages of the WebSocket protocol around them.
 */
import { z } from 'zod';
import { METRICS } from '../core/domain/alarms.ts';
import type { EngineEvent } from '../core/engine/events.ts';
import { chainKeySchema, epochSeconds, runModeSchema, wireErrorSchema } from './schemas.ts';

const chainPhaseSchema = z.enum([
  'queued',
  'configuring',
  'reference',
  'elaborating',
  'waiting',
  'retrying',
  'finishing',
]);
const nullableNumber = z.number().nullable();

const chainResultSchema = chainKeySchema.extend({
  runId: z.number().nullable(),
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  durationMs: z.number(),
  spanFrom: epochSeconds.nullable(),
  spanTo: epochSeconds.nullable(),
  phase: chainPhaseSchema.nullable(),
  errorCode: z.string().nullable(),
  message: z.string().nullable(),
  warnings: z.array(z.string()),
  rowsRead: z.number(),
  rowsWritten: z.number(),
  timestamps: z.number(),
  invalidRows: z.number(),
  spikeRows: z.number(),
  heldRows: z.number(),
  ignoredRawRows: z.number(),
  eventsCreated: z.number(),
});

export const engineEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('launch-started'),
    launchId: z.string(),
    chains: z.array(chainKeySchema),
    mode: runModeSchema,
  }),
  chainKeySchema.extend({
    type: z.literal('chain-progress'),
    launchId: z.string(),
    phase: chainPhaseSchema,
    timestampsDone: z.number(),
    timestampsTotal: z.number(),
    rowsRead: z.number(),
    rowsWritten: z.number(),
    waitingFor: z.string().nullable(),
    rate: z.number(),
    etaSeconds: nullableNumber,
  }),
  z.object({
    type: z.literal('chain-finished'),
    launchId: z.string(),
    result: chainResultSchema,
  }),
  z.object({
    type: z.literal('launch-finished'),
    launchId: z.string(),
    results: z.array(chainResultSchema),
    durationMs: z.number(),
  }),
  chainKeySchema.extend({
    type: z.literal('alarms-raised'),
    launchId: z.string(),
    runId: z.number(),
    events: z.array(
      z.object({
        metric: z.enum(METRICS),
        timestamp: epochSeconds,
        level: z.number().int(),
        previousLevel: z.number().int(),
        nodeIndex: z.number().int().nullable(),
        value: nullableNumber,
      }),
    ),
  }),
]);

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time proof that the schema and the engine's type describe the same events. */
export const ENGINE_EVENT_SCHEMA_MATCHES: Mutual<z.output<typeof engineEventSchema>, EngineEvent> = true;

/** WebSocket /api/events: what the server sends. */
export const serverMessageSchema = z.union([
  engineEventSchema,
  z.object({ type: z.literal('pong'), at: z.number() }),
  z.object({ type: z.literal('error'), error: wireErrorSchema }),
]);
export type ServerMessage = z.output<typeof serverMessageSchema>;

/** WebSocket /api/events: what a client may send. */
export const clientMessageSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('ping') })]);
export type ClientMessage = z.output<typeof clientMessageSchema>;

export type { EngineEvent };
