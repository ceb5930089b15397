/**
 * The small reads (configuration, runs, events, summaries) as both adapters
 * select them: the same column aliases, validated with zod into the port's
 * types. A value that does not fit (text in a number column of a legacy
 * table, an unknown metric) is a DATA_INVALID naming the table and column.
 */
import { z } from 'zod';
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import { RUN_COUNT_NAMES } from '../domain/runs.ts';
import { CatenaError, type ErrorSubject } from '../errors.ts';
import type { NodeFlagCounts, RunRecord, SnapshotPass, StoredAlarmEvent } from './port.ts';

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** A number as a driver may return it: number, bigint, or numeric string (BIGINT beyond 2^53, DECIMAL). */
const dbNumber = z.union([
  z.number(),
  z.bigint().transform(Number),
  z
    .string()
    .regex(NUMERIC)
    .transform((s) => Number(s)),
]);
const dbNumberOrNull = dbNumber.nullable();
const dbString = z.string();
const dbStringOrNull = z.string().nullable();

export const metricSchema = z.enum(['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg']);

/** SQL that turns a stored time into epoch seconds, per dialect. */
export type EpochSql = (column: string) => string;

const keyFields = { controlUnitCode: dbString, chain: dbString };

export const stationSchema = z.object({
  ...keyFields,
  siteName: dbStringOrNull,
  active: dbNumberOrNull,
  fixedEnd: dbStringOrNull,
  referenceTime: dbNumberOrNull,
  referenceWindowHours: dbNumberOrNull,
  despikeWindow: dbNumberOrNull,
  despikeNSigma: dbNumberOrNull,
  despikeMinSigmaDeg: dbNumberOrNull,
  despikeLookbackHours: dbNumberOrNull,
  holdLastValidHours: dbNumberOrNull,
  velocityWindowHours: dbNumberOrNull,
  alarmOnDelayHours: dbNumberOrNull,
  alarmOffDelayHours: dbNumberOrNull,
  staleAfterHours: dbNumberOrNull,
  azimuthDeg: dbNumberOrNull,
  timeZone: dbStringOrNull,
}) satisfies z.ZodType<StationRow>;

export const STATION_COLUMNS = [
  'siteName',
  'active',
  'fixedEnd',
  'referenceTime',
  'referenceWindowHours',
  'despikeWindow',
  'despikeNSigma',
  'despikeMinSigmaDeg',
  'despikeLookbackHours',
  'holdLastValidHours',
  'velocityWindowHours',
  'alarmOnDelayHours',
  'alarmOffDelayHours',
  'staleAfterHours',
  'azimuthDeg',
  'timeZone',
] as const satisfies readonly (keyof StationRow)[];

export function stationSelect(epoch: EpochSql): string {
  return [
    'controlUnitCode',
    'chain',
    ...STATION_COLUMNS.map((c) => (c === 'referenceTime' ? `${epoch(c)} AS referenceTime` : c)),
  ].join(', ');
}

export const NODE_COLUMNS = [
  'depthM',
  'lengthMm',
  'offsetX',
  'gainX',
  'offsetY',
  'gainY',
  'offsetZ',
  'gainZ',
  'tempOffset',
  'tempGain',
  'tempCoeffX',
  'tempCoeffY',
  'tempRef',
  'fullScaleCounts',
  'enabled',
] as const satisfies readonly (keyof NodeRow)[];

export const nodeSchema = z.object({
  ...keyFields,
  nodeIndex: dbNumber,
  depthM: dbNumberOrNull,
  lengthMm: dbNumberOrNull,
  offsetX: dbNumberOrNull,
  gainX: dbNumberOrNull,
  offsetY: dbNumberOrNull,
  gainY: dbNumberOrNull,
  offsetZ: dbNumberOrNull,
  gainZ: dbNumberOrNull,
  tempOffset: dbNumberOrNull,
  tempGain: dbNumberOrNull,
  tempCoeffX: dbNumberOrNull,
  tempCoeffY: dbNumberOrNull,
  tempRef: dbNumberOrNull,
  fullScaleCounts: dbNumberOrNull,
  enabled: dbNumberOrNull,
}) satisfies z.ZodType<NodeRow>;

export const NODE_SELECT = ['controlUnitCode', 'chain', 'nodeIndex', ...NODE_COLUMNS].join(', ');

export const thresholdSchema = z.object({
  ...keyFields,
  id: dbNumber,
  nodeIndex: dbNumberOrNull,
  metric: dbString,
  level: dbNumber,
  value: dbNumber,
}) satisfies z.ZodType<ThresholdRow>;

export const THRESHOLD_SELECT = 'id, controlUnitCode, chain, nodeIndex, metric, level, value';

export const eventSchema = z.object({
  ...keyFields,
  metric: metricSchema,
  timestamp: dbNumber,
  level: dbNumber,
  previousLevel: dbNumber,
  nodeIndex: dbNumberOrNull,
  value: dbNumberOrNull,
  runId: dbNumberOrNull,
  createdAt: dbNumber,
  notifiedAt: dbNumberOrNull,
  acknowledgedAt: dbNumberOrNull,
  acknowledgedBy: dbStringOrNull,
  ackNote: dbStringOrNull,
}) satisfies z.ZodType<StoredAlarmEvent>;

/** The events of a span as writeChunk reads them before replacing them. */
export const existingEventSchema = z.object({
  metric: dbString,
  timestamp: dbNumber,
  level: dbNumber,
  createdAt: dbNumber,
  notifiedAt: dbNumberOrNull,
  acknowledgedAt: dbNumberOrNull,
  acknowledgedBy: dbStringOrNull,
  ackNote: dbStringOrNull,
});

export function eventSelect(epoch: EpochSql): string {
  return [
    'controlUnitCode',
    'chain',
    'metric',
    `${epoch('timestamp')} AS timestamp`,
    'level',
    'previousLevel',
    'nodeIndex',
    'value',
    'runId',
    `${epoch('createdAt')} AS createdAt`,
    `${epoch('notifiedAt')} AS notifiedAt`,
    `${epoch('acknowledgedAt')} AS acknowledgedAt`,
    'acknowledgedBy',
    'ackNote',
  ].join(', ');
}

export const runSchema = z.object({
  ...keyFields,
  runId: dbNumber,
  launchId: dbString,
  mode: z.enum(['incremental', 'range', 'full']),
  spanFrom: dbNumberOrNull,
  spanTo: dbNumberOrNull,
  host: dbString,
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
  startedAt: dbNumber,
  endedAt: dbNumberOrNull,
  phase: dbStringOrNull,
  message: dbStringOrNull,
  errorCode: dbStringOrNull,
  rowsRead: dbNumber,
  rowsWritten: dbNumber,
  timestamps: dbNumber,
  invalidRows: dbNumber,
  spikeRows: dbNumber,
  heldRows: dbNumber,
  ignoredRawRows: dbNumber,
  eventsCreated: dbNumber,
  heartbeatAt: dbNumberOrNull,
  configFingerprint: dbStringOrNull,
  committedTo: dbNumberOrNull,
  resumesRunId: dbNumberOrNull,
}) satisfies z.ZodType<RunRecord>;

export function runSelect(epoch: EpochSql): string {
  return [
    'runId',
    'launchId',
    'controlUnitCode',
    'chain',
    'mode',
    `${epoch('spanFrom')} AS spanFrom`,
    `${epoch('spanTo')} AS spanTo`,
    'host',
    'status',
    `${epoch('startedAt')} AS startedAt`,
    `${epoch('endedAt')} AS endedAt`,
    'phase',
    'message',
    'errorCode',
    ...RUN_COUNT_NAMES,
    `${epoch('heartbeatAt')} AS heartbeatAt`,
    'configFingerprint',
    `${epoch('committedTo')} AS committedTo`,
    'resumesRunId',
  ].join(', ');
}

export const snapshotPassSchema = z.object({
  passId: dbNumber,
  source: dbString,
  takenAt: dbNumber,
  chains: dbString,
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  startedAt: dbNumber,
  endedAt: dbNumberOrNull,
  message: dbStringOrNull,
}) satisfies z.ZodType<SnapshotPass>;

export function snapshotPassSelect(epoch: EpochSql): string {
  return [
    'passId',
    'source',
    `${epoch('takenAt')} AS takenAt`,
    'chains',
    'status',
    `${epoch('startedAt')} AS startedAt`,
    `${epoch('endedAt')} AS endedAt`,
    'message',
  ].join(', ');
}

export const chainStatsSchema = z.object({
  ...keyFields,
  n: dbNumber,
  first: dbNumberOrNull,
  last: dbNumberOrNull,
});

export const nodeCountSchema = z.object({ ...keyFields, n: dbNumber, enabled: dbNumber });

export const lastSchema = z.object({ ...keyFields, last: dbNumberOrNull });

export const stationListSchema = z.object({
  ...keyFields,
  siteName: dbStringOrNull,
  active: dbNumberOrNull,
  fixedEnd: dbStringOrNull,
  timeZone: dbStringOrNull,
});

/** A flagCounts row (queries.ts flagCountsQuery) as the port's NodeFlagCounts. */
export const flagCountsSchema = z
  .object({
    nodeIndex: dbNumber,
    rowCount: dbNumber,
    invalid: dbNumber,
    spikeX: dbNumber,
    spikeY: dbNumber,
    held: dbNumber,
    noReference: dbNumber,
    gravity: dbNumber,
    firstAt: dbNumber,
    lastAt: dbNumber,
    lastValidAt: dbNumberOrNull,
  })
  .transform(({ rowCount, ...rest }): NodeFlagCounts => ({ ...rest, rows: rowCount, errorCodeAfter: null }));

export const singleNumberSchema = z.object({ v: dbNumberOrNull });

/**
 * Validates rows from the database. `table` and `key` name the subject of
 * the DATA_INVALID raised for a value that does not fit.
 */
export function parseRows<T>(schema: z.ZodType<T>, rows: unknown, table: string, key?: ChainKey): T[] {
  if (!Array.isArray(rows)) {
    throw new CatenaError('STORE_ERROR', `Reading ${table} returned no rows array (driver bug?).`, { table });
  }
  const out: T[] = [];
  for (const row of rows) {
    const parsed = schema.safeParse(row);
    if (parsed.success) {
      out.push(parsed.data);
      continue;
    }
    const issue = parsed.error.issues[0];
    const column = issue?.path.map(String).join('.') ?? '';
    const rowKey = keyOf(row) ?? key;
    const subject: ErrorSubject = { table, column, ...(rowKey ?? {}) };
    const where = rowKey ? ` of chain ${chainLabel(rowKey)}` : '';
    throw new CatenaError(
      'DATA_INVALID',
      `A row${where} in ${table} has a value in column ${column} that Catena cannot read ` +
        `(${issue?.message ?? 'invalid'}); correct it in the database.`,
      subject,
    );
  }
  return out;
}

function keyOf(row: unknown): ChainKey | null {
  if (typeof row !== 'object' || row === null) return null;
  const { controlUnitCode, chain } = row as Record<string, unknown>;
  return typeof controlUnitCode === 'string' && typeof chain === 'string' ? { controlUnitCode, chain } : null;
}
