/**
 * The event half of writeChunk: the events of [eventsFrom, eventsTo] are
 * replaced by the chunk's events; an event whose key (metric, timestamp)
 * existed before keeps its createdAt and notifiedAt (so a re-run neither
 * re-notifies nor forgets that it notified), and its acknowledgement too when
 * its level is unchanged (DATA_MODEL.md v2); only the keys that did not exist
 * are returned as new (ELABORATION.md §5).
 */

import type { AlarmEvent } from '../domain/alarms.ts';
import { chainLabel } from '../domain/chain.ts';
import { CatenaError } from '../errors.ts';
import { MAX_EPOCH, MIN_EPOCH } from './columns.ts';
import type { WriteChunk } from './port.ts';
import { metricSchema } from './rows.ts';

/** An operator's acknowledgement of an event (DATA_MODEL.md v2). */
export interface Acknowledgement {
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
}

export interface ExistingEvent extends Acknowledgement {
  metric: string;
  timestamp: number;
  level: number;
  createdAt: number;
  notifiedAt: number | null;
}

export interface EventRow extends AlarmEvent, Acknowledgement {
  createdAt: number;
  notifiedAt: number | null;
}

const NOT_ACKNOWLEDGED: Acknowledgement = { acknowledgedAt: null, acknowledgedBy: null, ackNote: null };

const eventKey = (metric: string, timestamp: number): string => `${metric}\u0000${timestamp}`;

/** Refuses a chunk whose events cannot be stored as asked (outside the span, duplicate keys, bad values). */
export function checkChunkEvents(chunk: WriteChunk): void {
  const label = chainLabel(chunk);
  const subject = { controlUnitCode: chunk.controlUnitCode, chain: chunk.chain, table: 'rsn_alarm_events' };
  const fail = (message: string): never => {
    throw new CatenaError('DATA_INVALID', `Chain ${label}: ${message}`, subject);
  };
  if (!Number.isSafeInteger(chunk.runId)) fail(`runId ${chunk.runId} is not an integer.`);
  const { eventsFrom, eventsTo } = chunk;
  if (Number.isNaN(eventsFrom) || Number.isNaN(eventsTo)) fail('the events span has no start or end (NaN).');
  const seen = new Set<string>();
  for (const event of chunk.events) {
    if (!metricSchema.safeParse(event.metric).success) fail(`event metric '${event.metric}' is unknown.`);
    if (
      !Number.isInteger(event.timestamp) ||
      event.timestamp < Math.max(eventsFrom, MIN_EPOCH) ||
      event.timestamp > Math.min(eventsTo, MAX_EPOCH)
    ) {
      fail(`event ${event.metric} at ${event.timestamp} is outside the span ${eventsFrom}..${eventsTo}.`);
    }
    if (!Number.isInteger(event.level) || !Number.isInteger(event.previousLevel)) {
      fail(`event ${event.metric} at ${event.timestamp} has a level that is not an integer.`);
    }
    if (event.value !== null && !Number.isFinite(event.value)) {
      fail(`event ${event.metric} at ${event.timestamp} has value ${event.value}; use null for "no value".`);
    }
    const key = eventKey(event.metric, event.timestamp);
    if (seen.has(key))
      fail(`two events for ${event.metric} at ${event.timestamp}; keep one per metric and time.`);
    seen.add(key);
  }
}

/** The rows to insert after deleting the span's events, and the events to notify. */
export function planEventReplacement(
  events: readonly AlarmEvent[],
  existing: readonly ExistingEvent[],
  now: number,
): { rows: EventRow[]; newEvents: AlarmEvent[] } {
  const before = new Map(existing.map((e) => [eventKey(e.metric, e.timestamp), e]));
  const rows: EventRow[] = [];
  const newEvents: AlarmEvent[] = [];
  for (const event of events) {
    const old = before.get(eventKey(event.metric, event.timestamp));
    if (old) {
      const ack: Acknowledgement =
        old.level === event.level
          ? { acknowledgedAt: old.acknowledgedAt, acknowledgedBy: old.acknowledgedBy, ackNote: old.ackNote }
          : NOT_ACKNOWLEDGED;
      rows.push({ ...event, createdAt: old.createdAt, notifiedAt: old.notifiedAt, ...ack });
    } else {
      rows.push({ ...event, createdAt: now, notifiedAt: null, ...NOT_ACKNOWLEDGED });
      newEvents.push(event);
    }
  }
  return { rows, newEvents };
}
