/**
 * Zod schemas of what the methods answer, for the OpenAPI document and the
 * API's tests. The core's types stay the source of truth: each schema carries
 * a compile-time proof that it describes exactly the core's type, so a
 * changed type breaks the build here instead of the document lying.
 *
 * Named schemas carry an `id` in zod's metadata: the OpenAPI document lists
 * them under `components.schemas`.
 */
import { z } from 'zod';
import { METRICS } from '../core/domain/alarms.ts';
import type { ChainKey } from '../core/domain/chain.ts';
import type {
  Acknowledged,
  ChainNodes,
  ChainOverview,
  ChainReportFile,
  ConnectionList,
  NodeRawReadings,
  ServiceInfo,
  SmtpView,
  SnapshotJob,
} from '../core/service/types.ts';
import type {
  ChainSummary,
  NodeFlagCounts,
  NotifyRule,
  RunRecord,
  StoredAlarmEvent,
  StoreInfo,
} from '../core/store/port.ts';
import { chainKeySchema, runModeSchema, wireErrorSchema } from './schemas.ts';
import type { WireSeries } from './wire.ts';

/** The schema as a named component of the OpenAPI document. */
export function named<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  return schema.meta(description === undefined ? { id } : { id, description });
}

/** Compile-time proof that a schema and a core type describe the same values. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const nullableNumber = z.number().nullable();
const nullableString = z.string().nullable();
const epochOrNull = z.number().nullable().describe('epoch seconds (UTC), or null');

export const storeInfoSchema = named(
  z.object({
    kind: z.enum(['mysql', 'sqlite']),
    location: z.string().describe('database URL, without the password'),
    serverVersion: z.string(),
    readOnly: z.boolean().optional().describe('opened read-only (an offline snapshot)'),
  }),
  'StoreInfo',
);

export const serviceInfoSchema = named(
  storeInfoSchema.extend({
    readOnly: z.boolean().describe('an offline snapshot: results only, launches are refused (READ_ONLY)'),
    snapshot: z
      .object({
        source: z.string().describe("the source database's URL, without the password"),
        takenAt: z
          .number()
          .describe("the source database's clock when the snapshot was taken, epoch seconds"),
        chains: z.array(z.string()).describe('the chains of the snapshot (CU001-A)'),
        status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
      })
      .nullable()
      .describe('where and when the offline snapshot was taken; null for a live database'),
  }),
  'ServiceInfo',
  'the database the service is connected to',
);

export const accessSchema = named(
  z.object({
    access: z
      .enum(['full', 'read'])
      .describe(
        'full: may launch, cancel, acknowledge and change settings; read: the read-only API token ' +
          '(CATENA_API_READ_TOKEN), whose writes answer 403 READ_ONLY_TOKEN',
      ),
  }),
  'Access',
  'what the caller may do on this host',
);

export const connectionListSchema = named(
  z.object({
    connections: z.array(
      z.object({
        id: z.string(),
        label: z.string().describe('the profile as a URL, without the password'),
        kind: z.enum(['mysql', 'sqlite']),
        host: nullableString,
        port: nullableNumber,
        user: nullableString,
        database: nullableString,
        tls: z.union([z.boolean(), z.literal('skip-verify')]).nullable(),
        path: nullableString,
        hasPassword: z.boolean().describe('a password is stored, encrypted'),
        lastUsedAt: z.number(),
      }),
    ),
    canStorePasswords: z.boolean(),
    passwordNote: nullableString.describe('why passwords are not stored, in one sentence'),
  }),
  'ConnectionList',
  'the recent connections, most recent first',
);

export const snapshotJobSchema = named(
  z.object({
    out: z.string().describe('the snapshot file'),
    state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
    progress: z
      .object({
        chain: z.string(),
        step: z.enum(['configuration', 'runs', 'elaborated', 'events', 'raw']),
        rows: z.number(),
        fraction: nullableNumber,
        chainNumber: z.number(),
        chains: z.number(),
      })
      .nullable(),
    message: nullableString,
  }),
  'SnapshotJob',
  'an offline snapshot being taken by this host (Take offline…), or the last one',
);

export const chainSummarySchema = named(
  chainKeySchema.extend({
    siteName: nullableString,
    timeZone: nullableString.describe(
      "the site's IANA time zone (`Europe/Rome`), for showing times in the site's local time; null = not set",
    ),
    active: z.boolean(),
    fixedEnd: nullableString.describe('`bottom` | `top` as stored; null = bottom'),
    nodeCount: z.number(),
    enabledNodeCount: z.number(),
    rawRowCount: z.number(),
    firstRawAt: epochOrNull,
    lastRawAt: epochOrNull,
    lastElaboratedAt: epochOrNull,
  }),
  'ChainSummary',
  'a chain of active_stations with counts and times',
);

const runCountsShape = {
  rowsRead: z.number(),
  rowsWritten: z.number(),
  timestamps: z.number(),
  invalidRows: z.number(),
  spikeRows: z.number(),
  heldRows: z.number(),
  ignoredRawRows: z.number(),
  eventsCreated: z.number(),
};

export const runStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']);

export const chainOverviewSchema = named(
  chainSummarySchema.extend({
    outputs: z
      .enum(['current', 'changed', 'unknown', 'invalid', 'none'])
      .describe(
        'whether the stored outputs come from the current configuration: `changed` = re-elaboration needed; ' +
          '`unknown` = written before runs recorded their configuration; `invalid` = the configuration does not ' +
          'validate now; `none` = nothing elaborated yet',
      ),
    pendingRun: z
      .object({
        runId: z.number(),
        mode: runModeSchema,
        status: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
        committedTo: epochOrNull,
      })
      .nullable()
      .describe('an interrupted full or range run, which the next incremental run finishes'),
    staleAfterHours: z
      .number()
      .describe(
        "the chain's staleAfterHours, or its default: twice the median sampling interval, at least 1 h",
      ),
    stale: z.boolean().describe("no raw row for longer than staleAfterHours, on the database's clock"),
  }),
  'ChainOverview',
  'a chain of active_stations with counts, times and the state of its stored outputs',
);

export const runRecordSchema = named(
  chainKeySchema.extend({
    ...runCountsShape,
    runId: z.number(),
    launchId: z.string(),
    mode: runModeSchema,
    spanFrom: epochOrNull,
    spanTo: epochOrNull,
    host: z.string().describe('the workstation or server that ran it'),
    status: runStatusSchema,
    startedAt: z.number(),
    endedAt: epochOrNull,
    phase: nullableString,
    message: nullableString,
    errorCode: nullableString,
    heartbeatAt: epochOrNull,
    configFingerprint: nullableString,
    committedTo: epochOrNull.describe('the last timestamp the run committed'),
    resumesRunId: nullableNumber.describe('the interrupted full or range run this run finished'),
  }),
  'RunRecord',
  'one chain run of catena_runs',
);

export const alarmEventSchema = named(
  chainKeySchema.extend({
    metric: z.enum(METRICS),
    timestamp: z.number(),
    level: z.number(),
    previousLevel: z.number(),
    nodeIndex: nullableNumber,
    value: nullableNumber,
    runId: nullableNumber,
    createdAt: z.number(),
    notifiedAt: epochOrNull,
    acknowledgedAt: epochOrNull,
    acknowledgedBy: nullableString,
    ackNote: nullableString,
  }),
  'AlarmEvent',
  'a change of a chain’s alarm level for one metric (rsn_alarm_events)',
);

export const acknowledgedSchema = named(
  chainKeySchema.extend({
    acknowledged: z.number().describe('events acknowledged now (0: already acknowledged, or no such event)'),
    by: z.string().describe("the operator's name recorded (the API token's name when the server has one)"),
    note: nullableString,
    at: z.number().describe('epoch seconds, the database clock'),
  }),
  'Acknowledged',
  'what an acknowledgement recorded',
);

export const notifyRuleSchema = named(
  z.object({
    id: z.number(),
    controlUnitCode: nullableString.describe('null = every chain'),
    chain: nullableString.describe('null = every chain (of the control unit when it is given)'),
    minLevel: z.number().describe('an event matches when max(level, previousLevel) reaches it'),
    metric: nullableString.describe('cumulative_mm, velocity_mm_per_day, tilt_deg, stale; null = all'),
    channel: z.enum(['email', 'webhook']),
    target: z.string().describe('the e-mail address or the webhook URL'),
    createdAt: z.number(),
  }),
  'NotifyRule',
  'who is told of alarm events, and how (catena_notify_rules)',
);

export const notifySetupSchema = named(
  z.object({
    rules: z.array(notifyRuleSchema),
    channels: z
      .array(z.enum(['email', 'webhook']))
      .describe('the channels this host can send through (e-mail only with CATENA_SMTP_URL)'),
  }),
  'NotifySetup',
);

export const smtpViewSchema = named(
  z.object({
    source: z
      .enum(['environment', 'setting'])
      .nullable()
      .describe('environment: CATENA_SMTP_URL; setting: set in the app; null: no SMTP server (no e-mail)'),
    url: nullableString.describe('the server, without its password'),
    from: nullableString,
  }),
  'SmtpServer',
  'the SMTP server this host sends e-mail through',
);

export const nodeFlagCountsSchema = named(
  z.object({
    nodeIndex: z.number(),
    rows: z.number(),
    invalid: z.number(),
    spikeX: z.number(),
    spikeY: z.number(),
    held: z.number(),
    noReference: z.number(),
    gravity: z.number(),
    firstAt: z.number(),
    lastAt: z.number(),
    lastValidAt: nullableNumber.describe(
      'the last timestamp with a valid value of its own (not invalid, not held)',
    ),
    errorCodeAfter: nullableNumber.describe(
      "when the node's newest rows are not valid: the non-zero raw errorCode most frequent after lastValidAt",
    ),
  }),
  'NodeFlagCounts',
);

export const chainReportSchema = named(
  z.object({
    fileName: z.string().describe('a file name for the PDF: report-<unit>-<chain>-<from>-<to>.pdf'),
    contentType: z.literal('application/pdf'),
    pages: z.number(),
    from: z.number().describe('the period covered, epoch seconds (UTC)'),
    to: z.number(),
    events: z.number().describe('alarm events listed'),
    base64: z.string().describe('the PDF, base64'),
  }),
  'ChainReport',
  'a chain report as PDF (over REST the route answers the PDF itself)',
);

export const chainNodesSchema = named(
  chainKeySchema.extend({
    siteName: nullableString,
    fixedEnd: nullableString,
    referenceTime: nullableNumber.describe(
      'active_stations.referenceTime (epoch seconds), null when not set',
    ),
    datum: nullableNumber.describe(
      'the time the displacements are zero at: referenceTime when set, else the first reading (epoch seconds)',
    ),
    azimuthDeg: nullableNumber.describe(
      'active_stations.azimuthDeg: the A axis in degrees clockwise from X (A = X·cosθ + Y·sinθ, ' +
        'B = −X·sinθ + Y·cosθ); null when not set',
    ),
    nodes: z.array(
      z.object({
        nodeIndex: z.number(),
        depthM: nullableNumber,
        lengthMm: nullableNumber,
        enabled: z.boolean(),
        threeAxis: z.boolean(),
      }),
    ),
    thresholds: z
      .array(
        z.object({
          nodeIndex: nullableNumber.describe('null: every node without a threshold of its own'),
          metric: z.string(),
          level: z.number(),
          value: z.number(),
        }),
      )
      .describe('rsn_thresholds of the chain, by metric and level'),
  }),
  'ChainNodes',
);

export const nodeRawReadingsSchema = named(
  chainKeySchema.extend({
    nodeIndex: z.number(),
    truncated: z.boolean().describe('the period held more rows than the limit: the newest were kept'),
    length: z.number().describe('rows; every column has this many values'),
    timestamp: z.array(z.number()),
    rawX: z.array(nullableNumber),
    rawY: z.array(nullableNumber),
    rawZ: z.array(nullableNumber),
    rawT: z.array(nullableNumber),
    errorCode: z.array(nullableNumber),
    gX: z.array(nullableNumber).describe('(rawX − offsetX) · gainX; null without a reading or calibration'),
    gY: z.array(nullableNumber),
    gZ: z.array(nullableNumber),
  }),
  'NodeRawReadings',
  "one node's raw rows (raw_rsn_data) as columns, oldest first, with the acceleration in g",
);

const floats = z.array(nullableNumber);
const ints = z.array(z.number());

export const wireSeriesSchema = named(
  z.object({
    length: z.number().describe('rows; every column has this many values'),
    timestamp: floats,
    nodeIndex: ints,
    alphaX: floats,
    alphaY: floats,
    temperature: floats,
    dispX: floats,
    dispY: floats,
    cumX: floats,
    cumY: floats,
    cumR: floats,
    velR: floats,
    flags: ints,
  }),
  'Series',
  'elaborated rows as columns, oldest first, ordered by (timestamp, nodeIndex); null for SQL NULL',
);

export const launchedSchema = z.object({ launchId: z.string(), chains: z.array(chainKeySchema) });

export const errorBodySchema = named(
  z.looseObject({ error: wireErrorSchema }),
  'ErrorBody',
  'every refusal and failure: a stable code and a sentence for the operator (never a stack or SQL)',
);

export const OUTPUT_SCHEMAS_MATCH: [
  Mutual<z.output<typeof storeInfoSchema>, StoreInfo>,
  Mutual<z.output<typeof serviceInfoSchema>, ServiceInfo>,
  Mutual<z.output<typeof connectionListSchema>, ConnectionList>,
  Mutual<z.output<typeof snapshotJobSchema>, SnapshotJob>,
  Mutual<z.output<typeof chainSummarySchema>, ChainSummary>,
  Mutual<z.output<typeof chainOverviewSchema>, ChainOverview>,
  Mutual<z.output<typeof runRecordSchema>, RunRecord>,
  Mutual<z.output<typeof alarmEventSchema>, StoredAlarmEvent>,
  Mutual<z.output<typeof nodeFlagCountsSchema>, NodeFlagCounts>,
  Mutual<z.output<typeof chainNodesSchema>, ChainNodes>,
  Mutual<z.output<typeof nodeRawReadingsSchema>, NodeRawReadings>,
  Mutual<z.output<typeof chainReportSchema>, ChainReportFile>,
  Mutual<z.output<typeof wireSeriesSchema>, WireSeries>,
  Mutual<z.output<typeof launchedSchema>, { launchId: string; chains: ChainKey[] }>,
  Mutual<z.output<typeof acknowledgedSchema>, Acknowledged>,
  Mutual<z.output<typeof notifyRuleSchema>, NotifyRule>,
  Mutual<z.output<typeof smtpViewSchema>, SmtpView>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
