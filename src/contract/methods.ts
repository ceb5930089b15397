/**
 * THE table of what the interface can ask the core. One entry per method: the
 * zod schema of its input and how a host answers it with the core service
 * (which also fixes the output type, JSON-safe by construction). The preload
 * bridge, the Electron IPC handlers, the HTTP/WebSocket server and both
 * clients of the renderer are generic over this table: adding a method is
 * one entry here. A method may also declare a REST route (`http`): the server
 * registers it and the OpenAPI document lists it, from the same schemas.
 *
 * Runtime-free apart from zod: `CatenaService` is a type-only import and the
 * `call` functions only call the service object a host hands them.
 */
import { z } from 'zod';
import { METRICS } from '../core/domain/alarms.ts';
import type { CatenaService } from '../core/service/types.ts';
import {
  chainFromQuery,
  chainPair,
  chainPathParams,
  type HttpBinding,
  listParam,
  optionalChainQuery,
  route,
  timeParam,
  wholeNumberParam,
} from './http.ts';
import {
  accessSchema,
  acknowledgedSchema,
  alarmEventSchema,
  chainNodesSchema,
  chainOverviewSchema,
  chainReportSchema,
  connectionListSchema,
  launchedSchema,
  nodeFlagCountsSchema,
  nodeRawReadingsSchema,
  notifyRuleSchema,
  notifySetupSchema,
  runRecordSchema,
  serviceInfoSchema,
  smtpViewSchema,
  snapshotJobSchema,
  wireSeriesSchema,
} from './outputs.ts';
import {
  chainKeySchema,
  chainNameSchema,
  controlUnitCodeSchema,
  epochSeconds,
  runModeSchema,
} from './schemas.ts';
import { encodeSeries } from './wire.ts';

/** The language of a chain report: `en` or `it` (default: the host's CATENA_LANG or system locale). */
const reportLangSchema = z
  .enum(['en', 'it'])
  .describe("the report's language: `en` or `it` (default: the host's CATENA_LANG or system locale)");

/** What a host vouches for about the caller of a method. */
export interface CallContext {
  /** who acts (the API token's name on the service); null where the host knows no caller */
  caller: string | null;
  /** `read` for the read-only API token; hosts without tokens (IPC, loopback) give `full` */
  access: 'full' | 'read';
}

/** The context of a call from a host that knows no caller (the desktop's IPC, a server without a token). */
export const FULL_ACCESS: CallContext = { caller: null, access: 'full' };

export interface MethodSpec<I extends z.ZodType, O, S = CatenaService> {
  /** one line for the API's index and the docs */
  summary: string;
  input: I;
  /** what the method answers (the OpenAPI document; the API's tests check answers against it) */
  output: z.ZodType<O>;
  call(service: S, input: z.output<I>, context: CallContext): O | Promise<O>;
  /**
   * Whether the method launches, cancels, acknowledges or changes rules or
   * settings: the read-only API token (CATENA_API_READ_TOKEN) is refused it
   * (403 READ_ONLY_TOKEN), on every route that reaches it. Required, so that every
   * new method is decided here, once.
   */
  writes: boolean;
  /** the method as a REST route, besides `POST /api/<method>` */
  http?: HttpBinding<z.input<I>>;
  /**
   * The input as the caller the host vouches for (the API token's name on
   * the service), applied before validation; hosts that know no caller
   * (the desktop's IPC, a server without a token) leave the input as sent.
   */
  asCaller?(input: unknown, caller: string): unknown;
}

function method<I extends z.ZodType, O>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

export const noInput = z.object({}).strict().optional();
const limit = (max: number) => z.number().int().min(1).max(max);
/** rows of one rawReadings answer at most: a few weeks of one node at 10 minutes */
const RAW_READINGS_MAX_LIMIT = 20_000;

const KEY_EXAMPLE = { controlUnitCode: 'CU001', chain: 'A' };

/** What an acknowledgement names besides the chain (the body of its REST route). */
const acknowledgementFields = {
  events: z
    .array(z.object({ metric: z.enum(METRICS), timestamp: epochSeconds }).strict())
    .min(1, 'name at least one event, or leave events out to acknowledge every open event')
    .max(10_000)
    .optional()
    .describe('the events (metric and timestamp); absent = every open event of the chain'),
  note: z.string().max(2_000, 'a note is at most 2000 characters').nullable().optional(),
};
const RULE_EXAMPLE = {
  id: 3,
  controlUnitCode: 'CU001',
  chain: 'A',
  minLevel: 2,
  metric: null,
  channel: 'email' as const,
  target: 'ops@example.org',
  createdAt: 1_790_899_262,
};

/** A rule to add: a chain (or none, for all), a minimum level, a metric (or none), a channel and its target. */
const ruleInput = z
  .object({
    controlUnitCode: controlUnitCodeSchema.nullable().default(null),
    chain: chainNameSchema.nullable().default(null),
    minLevel: z.number().int().min(0).max(9).default(1),
    metric: z
      .enum([...METRICS, 'stale'])
      .nullable()
      .default(null),
    channel: z.enum(['email', 'webhook']),
    target: z.string().trim().min(1, 'give the e-mail address or the webhook URL').max(512),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.chain !== null && rule.controlUnitCode === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['controlUnitCode'],
        message: 'a chain needs its control unit code',
      });
    }
    if (rule.channel === 'email' && !/^[^@\s]+@[^@\s]+$/.test(rule.target)) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: `"${rule.target}" is not an e-mail address`,
      });
    }
    if (rule.channel === 'webhook' && !/^https?:\/\/\S+$/.test(rule.target)) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: `"${rule.target}" is not an http(s) URL` });
    }
  });

const ruleIdParams = z.object({ id: wholeNumberParam(1, Number.MAX_SAFE_INTEGER, 'the rule id') }).strict();

const operatorName = z
  .string()
  .trim()
  .min(1, "give the operator's name (who acknowledges)")
  .max(128, "the operator's name is at most 128 characters");
const RUN_EXAMPLE = {
  ...KEY_EXAMPLE,
  runId: 42,
  launchId: '9b2f6c1e-4d0a-4f7e-8a51-0c3e2d1b7a90',
  mode: 'incremental' as const,
  spanFrom: 1_790_812_800,
  spanTo: 1_790_899_200,
  host: 'catena-server',
  status: 'succeeded' as const,
  startedAt: 1_790_899_260,
  endedAt: 1_790_899_262,
  phase: null,
  message: null,
  errorCode: null,
  heartbeatAt: 1_790_899_262,
  configFingerprint: 'c0ffee12',
  committedTo: 1_790_899_200,
  resumesRunId: null,
  rowsRead: 1_450,
  rowsWritten: 1_450,
  timestamps: 145,
  invalidRows: 0,
  spikeRows: 2,
  heldRows: 0,
  ignoredRawRows: 0,
  eventsCreated: 0,
};

/** The input of a launch (`POST /api/launch`, `POST /api/v1/launches`). */
export const launchInput = z
  .object({
    chains: z.union([z.array(chainKeySchema).min(1, 'select at least one chain'), z.literal('all-active')]),
    mode: runModeSchema,
    from: epochSeconds.optional(),
    to: epochSeconds.optional(),
    concurrency: z.number().int().min(1).max(64).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.mode !== 'range') return;
    if (value.from === undefined)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'a range needs from' });
    if (value.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'a range needs to' });
    if (value.from !== undefined && value.to !== undefined && value.from > value.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    }
  });

/**
 * A connection profile as the connection manager sends it: a URL, or the
 * fields of a MySQL/MariaDB server or an SQLite file. The store checks each
 * field and names the one that is wrong (PROFILE_INVALID).
 */
export const connectionProfileInput = z.union([
  z.strictObject({ id: z.string().min(1).max(64).describe('a remembered connection (listConnections)') }),
  z.strictObject({ url: z.string().min(1).max(4096) }),
  z.strictObject({
    kind: z.enum(['mysql', 'mariadb']),
    host: z.string().max(255),
    port: z.number().int().min(1).max(65535).optional(),
    user: z.string().max(80),
    password: z.string().max(1024).optional(),
    database: z.string().max(64),
    /** true: TLS with the certificate verified; skip-verify: TLS without verifying it */
    tls: z.union([z.boolean(), z.literal('skip-verify')]).optional(),
  }),
  z.strictObject({ kind: z.literal('sqlite'), path: z.string().min(1).max(4096) }),
]);

function toProfile(input: z.output<typeof connectionProfileInput>): unknown {
  if ('kind' in input && input.kind !== 'sqlite' && input.tls === 'skip-verify') {
    return { ...input, tls: { rejectUnauthorized: false } };
  }
  return input;
}

export const methods = {
  info: method({
    summary:
      'the database this host is connected to (read-only for an offline snapshot, with where and when it was taken)',
    writes: false,
    input: noInput,
    output: serviceInfoSchema,
    call: (service) => service.info(),
    http: route({
      verb: 'GET',
      path: '/api/v1/info',
      operationId: 'getInfo',
      tag: 'chains',
      input: () => undefined,
      examples: [
        {
          summary: 'a MariaDB database',
          response: {
            kind: 'mysql',
            location: 'mysql://catena@db.example:3306/monitoring',
            serverVersion: '11.4.2',
            readOnly: false,
            snapshot: null,
          },
        },
        {
          summary: 'an offline snapshot',
          response: {
            kind: 'sqlite',
            location: 'sqlite:/home/ops/site.db',
            serverVersion: 'SQLite 3.50.4',
            readOnly: true,
            snapshot: {
              source: 'mysql://catena@db.example:3306/monitoring',
              takenAt: 1_790_899_200,
              chains: ['CU001-A', 'CU002-B'],
              status: 'succeeded',
            },
          },
        },
      ],
    }),
  }),
  access: method({
    summary: 'what the caller may do: everything, or read only (the read-only API token)',
    writes: false,
    input: noInput,
    output: accessSchema,
    call: (_service, _input, context) => ({ access: context.access }),
    http: route({
      verb: 'GET',
      path: '/api/v1/access',
      operationId: 'getAccess',
      tag: 'chains',
      description:
        'The console asks it once at start and hides what the read-only token cannot do (launch, cancel, ' +
        'acknowledge, change rules).',
      input: () => undefined,
      examples: [
        { summary: 'the full token, or a server on loopback', response: { access: 'full' } },
        { summary: 'the read-only token', response: { access: 'read' } },
      ],
    }),
  }),
  listChains: method({
    summary: 'every chain of active_stations with counts and times',
    writes: false,
    input: noInput,
    output: z.array(chainOverviewSchema),
    call: (service) => service.listChains(),
    http: route({
      verb: 'GET',
      path: '/api/v1/chains',
      operationId: 'listChains',
      tag: 'chains',
      input: () => undefined,
      examples: [
        {
          summary: 'one chain',
          response: [
            {
              ...KEY_EXAMPLE,
              siteName: 'Frana di Roccalta',
              timeZone: 'Europe/Rome',
              active: true,
              fixedEnd: 'bottom',
              nodeCount: 12,
              enabledNodeCount: 12,
              rawRowCount: 34_560,
              firstRawAt: 1_785_542_400,
              lastRawAt: 1_790_899_200,
              lastElaboratedAt: 1_790_899_200,
              outputs: 'current',
              pendingRun: null,
              staleAfterHours: 1,
              stale: false,
            },
          ],
        },
      ],
    }),
  }),
  launch: method({
    summary: 'starts an elaboration of some chains; progress comes as events',
    writes: true,
    input: launchInput,
    output: launchedSchema,
    call: (service, input) => service.launch(input),
  }),
  cancel: method({
    summary: 'cancels a launch, or one chain of it',
    writes: true,
    input: z.object({ launchId: z.string().min(1), chain: chainKeySchema.optional() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
    call: (service, input) => ({ cancelled: service.cancel(input.launchId, input.chain) }),
  }),
  listRuns: method({
    summary: 'history of chain runs, newest first',
    writes: false,
    input: z
      .object({
        key: chainKeySchema.optional(),
        launchId: z.string().min(1).optional(),
        limit: limit(10_000).optional(),
      })
      .strict()
      .optional(),
    output: z.array(runRecordSchema),
    call: (service, input) => service.listRuns(input),
    http: route({
      verb: 'GET',
      path: '/api/v1/runs',
      operationId: 'listRuns',
      tag: 'launches',
      summary: 'history of chain runs, newest first (200 unless limit says otherwise)',
      query: z
        .object({
          ...optionalChainQuery,
          launchId: z.string().min(1).optional().describe('the runs of one launch'),
          limit: wholeNumberParam(1, 10_000, 'at most this many runs').optional(),
        })
        .strict()
        .superRefine(chainPair),
      input: ({ query }) => ({
        key: chainFromQuery(query),
        launchId: query.launchId,
        limit: query.limit,
      }),
      examples: [
        {
          summary: 'the last run of CU001-A',
          query: { unit: 'CU001', chain: 'A', limit: '1' },
          response: [RUN_EXAMPLE],
        },
      ],
    }),
  }),
  series: method({
    summary: 'elaborated rows of a chain (one node or all), NaN as null',
    writes: false,
    input: z
      .object({
        key: chainKeySchema,
        nodeIndex: z.number().int().min(0).optional(),
        from: epochSeconds.nullable().optional(),
        to: epochSeconds.nullable().optional(),
        limit: limit(2_000_000).optional(),
      })
      .strict(),
    output: wireSeriesSchema,
    call: async (service, input) => encodeSeries(await service.series(input)),
  }),
  chainNodes: method({
    summary: "a chain's nodes (depth, length, enabled, 3-axis) with its fixed end and site",
    writes: false,
    input: z.object({ key: chainKeySchema }).strict(),
    output: chainNodesSchema,
    call: (service, input) => service.chainNodes(input.key),
    http: route({
      verb: 'GET',
      path: '/api/v1/chains/{unit}/{chain}/nodes',
      operationId: 'getChainNodes',
      tag: 'chains',
      params: chainPathParams,
      input: ({ params }) => ({ key: { controlUnitCode: params.unit, chain: params.chain } }),
      errors: { 404: 'the chain is not in active_stations' },
      examples: [
        {
          summary: 'a two-node chain',
          params: { unit: 'CU001', chain: 'A' },
          response: {
            ...KEY_EXAMPLE,
            siteName: 'Frana di Roccalta',
            fixedEnd: 'bottom',
            referenceTime: null,
            datum: 1788307200,
            azimuthDeg: null,
            thresholds: [{ nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 20 }],
            nodes: [
              { nodeIndex: 1, depthM: 2, lengthMm: 1000, enabled: true, threeAxis: false },
              { nodeIndex: 2, depthM: 3, lengthMm: null, enabled: true, threeAxis: true },
            ],
          },
        },
      ],
    }),
  }),
  rawReadings: method({
    summary: "one node's raw readings (counts and g) over a period, the newest `limit` (default 5000)",
    writes: false,
    input: z
      .object({
        key: chainKeySchema,
        nodeIndex: z.number().int().min(0),
        from: epochSeconds.nullable().optional(),
        to: epochSeconds.nullable().optional(),
        limit: limit(RAW_READINGS_MAX_LIMIT).optional(),
      })
      .strict(),
    output: nodeRawReadingsSchema,
    call: (service, input) => service.rawReadings(input),
  }),
  quality: method({
    summary: 'elaborated rows per node counted by flag bit over a span',
    writes: false,
    input: z
      .object({
        key: chainKeySchema,
        from: epochSeconds.nullable().optional(),
        to: epochSeconds.nullable().optional(),
      })
      .strict(),
    output: z.array(nodeFlagCountsSchema),
    call: (service, input) => service.quality(input),
    http: route({
      verb: 'GET',
      path: '/api/v1/chains/{unit}/{chain}/quality',
      operationId: 'getChainQuality',
      tag: 'chains',
      params: chainPathParams,
      query: z.object({ from: timeParam.optional(), to: timeParam.optional() }).strict(),
      input: ({ params, query }) => ({
        key: { controlUnitCode: params.unit, chain: params.chain },
        from: query.from,
        to: query.to,
      }),
      examples: [
        {
          summary: 'flag counts of October 2026',
          params: { unit: 'CU001', chain: 'A' },
          query: { from: '2026-10-01', to: '2026-10-31T23:59:59Z' },
          response: [
            {
              nodeIndex: 1,
              rows: 4_464,
              invalid: 3,
              spikeX: 1,
              spikeY: 0,
              held: 2,
              noReference: 0,
              gravity: 0,
              firstAt: 1_790_812_800,
              lastAt: 1_793_491_200,
              lastValidAt: 1_793_491_200,
              errorCodeAfter: null,
            },
          ],
        },
      ],
    }),
  }),
  events: method({
    summary: 'alarm events, newest first',
    writes: false,
    input: z
      .object({
        key: chainKeySchema.optional(),
        from: epochSeconds.nullable().optional(),
        to: epochSeconds.nullable().optional(),
        limit: limit(100_000).optional(),
      })
      .strict(),
    output: z.array(alarmEventSchema),
    call: (service, input) => service.events(input),
    http: route({
      verb: 'GET',
      path: '/api/v1/events',
      operationId: 'listAlarmEvents',
      tag: 'chains',
      summary: 'alarm events (rsn_alarm_events), newest first (1000 unless limit says otherwise)',
      query: z
        .object({
          ...optionalChainQuery,
          from: timeParam.optional(),
          to: timeParam.optional(),
          limit: wholeNumberParam(1, 100_000, 'at most this many events').optional(),
        })
        .strict()
        .superRefine(chainPair),
      input: ({ query }) => ({
        key: chainFromQuery(query),
        from: query.from,
        to: query.to,
        limit: query.limit,
      }),
      examples: [
        {
          summary: 'the alarm events of CU001-A since October',
          query: { unit: 'CU001', chain: 'A', from: '2026-10-01' },
          response: [
            {
              ...KEY_EXAMPLE,
              metric: 'cumulative_mm',
              timestamp: 1_790_899_200,
              level: 1,
              previousLevel: 0,
              nodeIndex: 7,
              value: 12.4,
              runId: 42,
              createdAt: 1_790_899_262,
              notifiedAt: null,
              acknowledgedAt: null,
              acknowledgedBy: null,
              ackNote: null,
            },
          ],
        },
      ],
    }),
  }),
  acknowledgeEvents: method({
    writes: true,
    summary: "acknowledges a chain's alarm events (given ones, or all open ones) with a note",
    input: z.object({ key: chainKeySchema, ...acknowledgementFields, by: operatorName }).strict(),
    output: acknowledgedSchema,
    call: (service, input) => service.acknowledgeEvents(input),
    asCaller: (input, caller) =>
      typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...input, by: caller } : input,
    http: route({
      verb: 'POST',
      path: '/api/v1/chains/{unit}/{chain}/events/ack',
      operationId: 'acknowledgeEvents',
      tag: 'chains',
      description:
        'Acknowledges the named events of the chain (metric and timestamp), or, without `events`, every ' +
        'event of the chain not yet acknowledged. An event already acknowledged keeps its first ' +
        'acknowledgement. `by` is the operator’s name; when the server has an API token, the token’s ' +
        'name (CATENA_API_TOKEN_NAME) is recorded instead and `by` may be left out.',
      params: chainPathParams,
      body: z
        .object({ ...acknowledgementFields, by: z.string().max(128).optional() })
        .strict()
        .optional(),
      input: ({ params, body }) => ({
        key: { controlUnitCode: params.unit, chain: params.chain },
        events: body?.events,
        note: body?.note,
        by: body?.by ?? '',
      }),
      errors: { 404: 'the chain is not in active_stations' },
      examples: [
        {
          summary: 'one event, with a note',
          params: { unit: 'CU001', chain: 'A' },
          body: {
            events: [{ metric: 'cumulative_mm', timestamp: 1_790_899_200 }],
            note: 'inspected on site, crack gauge unchanged',
            by: 'M. Rossi',
          },
          response: {
            ...KEY_EXAMPLE,
            acknowledged: 1,
            by: 'M. Rossi',
            note: 'inspected on site, crack gauge unchanged',
            at: 1_790_900_000,
          },
        },
        {
          summary: 'every open event of the chain',
          params: { unit: 'CU001', chain: 'A' },
          body: { note: 'storm, all seen', by: 'M. Rossi' },
          response: {
            ...KEY_EXAMPLE,
            acknowledged: 7,
            by: 'M. Rossi',
            note: 'storm, all seen',
            at: 1_790_900_000,
          },
        },
      ],
    }),
  }),
  notifyRules: method({
    writes: false,
    summary: 'the notification rules, and the channels this host can send through',
    input: noInput,
    output: notifySetupSchema,
    call: async (service) => ({
      rules: await service.notifications.rules(),
      channels: service.notifications.channels(),
    }),
    http: route({
      verb: 'GET',
      path: '/api/v1/notify/rules',
      operationId: 'listNotifyRules',
      tag: 'notifications',
      input: () => undefined,
      examples: [
        { summary: 'one rule', response: { rules: [RULE_EXAMPLE], channels: ['email', 'webhook'] } },
      ],
    }),
  }),
  addNotifyRule: method({
    writes: true,
    summary: 'adds a notification rule (shared by every workstation and the service)',
    input: ruleInput,
    output: notifyRuleSchema,
    call: (service, input) => service.notifications.addRule(input),
    http: route({
      verb: 'POST',
      path: '/api/v1/notify/rules',
      operationId: 'addNotifyRule',
      tag: 'notifications',
      description:
        'A null (or absent) chain or metric means all; `minLevel` defaults to 1. An event matches when ' +
        'max(level, previousLevel) reaches `minLevel`, so the all-clear goes to whoever got the alarm. ' +
        'Metric `stale` is a chain whose data stopped (level 1) and came back (level 0).',
      body: ruleInput,
      input: ({ body }) => body,
      status: 201,
      examples: [
        {
          summary: 'e-mail for level 2 and above on one chain',
          body: {
            controlUnitCode: 'CU001',
            chain: 'A',
            minLevel: 2,
            channel: 'email',
            target: 'ops@example.org',
          },
          response: RULE_EXAMPLE,
        },
      ],
    }),
  }),
  removeNotifyRule: method({
    writes: true,
    summary: 'removes a notification rule',
    input: z.object({ id: z.number().int().min(1) }).strict(),
    output: z.object({ removed: z.boolean().describe('false when there was no such rule') }),
    call: async (service, input) => ({ removed: await service.notifications.removeRule(input.id) }),
    http: route({
      verb: 'DELETE',
      path: '/api/v1/notify/rules/{id}',
      operationId: 'removeNotifyRule',
      tag: 'notifications',
      params: ruleIdParams,
      input: ({ params }) => ({ id: params.id }),
      examples: [{ summary: 'rule 3', params: { id: '3' }, response: { removed: true } }],
    }),
  }),
  testNotifyRule: method({
    writes: true,
    summary: "sends a test message through a rule's channel to its target now",
    input: z.object({ id: z.number().int().min(1) }).strict(),
    output: z.object({ sent: z.literal(true) }),
    call: async (service, input) => {
      await service.notifications.test(input.id);
      return { sent: true as const };
    },
    http: route({
      verb: 'POST',
      path: '/api/v1/notify/rules/{id}/test',
      operationId: 'testNotifyRule',
      tag: 'notifications',
      description:
        'Not logged and not retried. 422 `NOTIFY_FAILED` says why the message did not arrive; ' +
        '`RULE_NOT_FOUND` for an unknown rule.',
      params: ruleIdParams,
      input: ({ params }) => ({ id: params.id }),
      errors: {
        422: 'the message was not delivered (NOTIFY_FAILED), or there is no such rule (RULE_NOT_FOUND)',
      },
      examples: [{ summary: 'rule 3 reaches its target', params: { id: '3' }, response: { sent: true } }],
    }),
  }),
  notifySmtp: method({
    writes: false,
    summary: 'the SMTP server this host sends e-mail through (password masked)',
    input: noInput,
    output: smtpViewSchema,
    call: (service) => service.notifications.smtp(),
    http: route({
      verb: 'GET',
      path: '/api/v1/notify/smtp',
      operationId: 'getNotifySmtp',
      tag: 'notifications',
      input: () => undefined,
      examples: [
        {
          summary: 'set in the app',
          response: {
            source: 'setting',
            url: 'smtp://catena:***@mail.example.org:587',
            from: 'Catena <catena@example.org>',
          },
        },
      ],
    }),
  }),
  setNotifySmtp: method({
    writes: true,
    summary: 'sets (or, with url null, removes) the SMTP server kept by this host',
    input: z
      .object({
        url: z.string().trim().max(1_000).nullable(),
        from: z.string().trim().max(256).nullable().optional(),
      })
      .strict(),
    output: smtpViewSchema,
    call: (service, input) => service.notifications.setSmtp(input),
    http: route({
      verb: 'POST',
      path: '/api/v1/notify/smtp',
      operationId: 'setNotifySmtp',
      tag: 'notifications',
      description:
        'Kept in a file of the host’s data folder readable by its owner only (the URL may carry the ' +
        'password), used from now on and after a restart. CATENA_SMTP_URL, when set, wins: then 422.',
      body: z
        .object({ url: z.string().max(1_000).nullable(), from: z.string().max(256).nullable().optional() })
        .strict(),
      input: ({ body }) => body,
      errors: { 422: 'not an smtp:// or smtps:// URL, or CATENA_SMTP_URL is set on this host' },
      examples: [
        {
          summary: 'a submission server with a password',
          body: { url: 'smtp://catena:secret@mail.example.org:587', from: 'Catena <catena@example.org>' },
          response: {
            source: 'setting',
            url: 'smtp://catena:***@mail.example.org:587',
            from: 'Catena <catena@example.org>',
          },
        },
      ],
    }),
  }),
  testConnection: method({
    summary:
      'opens the database of a connection profile, checks it is a Catena database and closes it (browser: loopback only)',
    writes: true,
    input: connectionProfileInput,
    output: serviceInfoSchema,
    call: (service, input) => service.testConnection(toProfile(input)),
  }),
  connect: method({
    summary:
      'switches this host to the database of a connection profile without restarting; refused while a launch runs (browser: loopback only)',
    writes: true,
    input: connectionProfileInput,
    output: serviceInfoSchema,
    call: (service, input) => service.connect(toProfile(input)),
  }),
  listConnections: method({
    summary: 'the recent connections (never a password), and whether this host stores passwords',
    writes: false,
    input: noInput,
    output: connectionListSchema,
    call: (service) => service.connections(),
  }),
  forgetConnection: method({
    summary: 'removes a connection from the recent connections (false when it was not there)',
    writes: true,
    input: z.strictObject({ id: z.string().min(1).max(64) }),
    output: z.boolean(),
    call: (service, input) => service.forgetConnection(input.id),
  }),
  takeSnapshot: method({
    summary:
      'starts taking an offline snapshot of the current database into an SQLite file on this host (browser: loopback only)',
    writes: true,
    input: z.strictObject({
      out: z.string().trim().min(1, 'out: give the snapshot file').max(4096),
      chains: z.array(chainKeySchema).max(1000).optional(),
      from: epochSeconds.nullable().optional(),
      to: epochSeconds.nullable().optional(),
      withRaw: z.boolean().optional(),
    }),
    output: snapshotJobSchema,
    call: (service, input) => service.takeSnapshot(input),
  }),
  snapshotStatus: method({
    summary: 'the offline snapshot being taken by this host, or the last one (null: none)',
    writes: false,
    input: noInput,
    output: snapshotJobSchema.nullable(),
    call: (service) => service.snapshotStatus(),
  }),
  cancelSnapshot: method({
    summary: 'cancels the offline snapshot being taken (what was copied stays); false when none runs',
    writes: true,
    input: noInput,
    output: z.boolean(),
    call: (service) => service.cancelSnapshot(),
  }),
  chainReport: method({
    summary:
      "a chain's report as PDF: profiles at chosen dates, series with thresholds, alarm events, data quality, parameters",
    writes: false,
    input: z
      .object({
        key: chainKeySchema,
        from: epochSeconds.nullable().optional(),
        to: epochSeconds.nullable().optional(),
        dates: z.array(epochSeconds).min(1).max(8, 'at most 8 profile dates').optional(),
        nodes: z.array(z.number().int().min(0)).min(1).max(8, 'at most 8 nodes').optional(),
        lang: reportLangSchema.optional(),
      })
      .strict()
      .refine((v) => v.from == null || v.to == null || v.from <= v.to, {
        path: ['to'],
        message: 'to is before from',
      }),
    output: chainReportSchema,
    call: (service, input) => service.chainReport(input),
    http: route({
      verb: 'GET',
      path: '/api/v1/chains/{unit}/{chain}/report',
      operationId: 'getChainReport',
      tag: 'chains',
      summary: "a chain's report (application/pdf)",
      description:
        'The same PDF as `catena report`: site and chain, cumulative and incremental profiles at the chosen ' +
        'dates (default: the reference, mid-period and the latest), the series of chosen nodes (default: the ' +
        'one that moved most and the top node) with the cumulative thresholds, the alarm events with their ' +
        'acknowledgements, flag counts per node and the parameters used.',
      params: chainPathParams,
      query: z
        .object({
          from: timeParam.optional(),
          to: timeParam.optional(),
          dates: listParam(timeParam, 'profile dates, comma-separated (each like from)').optional(),
          nodes: listParam(
            wholeNumberParam(0, 10_000, 'a node index'),
            'node indexes, comma-separated',
          ).optional(),
          lang: reportLangSchema.optional(),
        })
        .strict(),
      input: ({ params, query }) => ({
        key: { controlUnitCode: params.unit, chain: params.chain },
        from: query.from,
        to: query.to,
        dates: query.dates,
        nodes: query.nodes,
        lang: query.lang,
      }),
      errors: {
        404: 'the chain is not in active_stations',
        422: 'the period has no elaborated row, or a node is not of the chain',
      },
      download: { contentType: 'application/pdf', description: 'the report, as an attachment' },
      examples: [
        {
          summary: 'the report of October 2026 with three profile dates',
          params: { unit: 'CU001', chain: 'A' },
          query: {
            from: '2026-10-01',
            to: '2026-10-31T23:59:59Z',
            dates: '2026-10-01,2026-10-15,2026-10-31',
          },
          response: {
            fileName: 'report-CU001-A-2026-10-01-2026-10-31.pdf',
            contentType: 'application/pdf',
            pages: 4,
            from: 1_790_812_800,
            to: 1_793_491_199,
            events: 3,
            base64: 'JVBERi0xLjMK',
          },
        },
      ],
    }),
  }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export const methodNames = Object.keys(methods) as MethodName[];

export type MethodInput<K extends MethodName> = z.input<Methods[K]['input']>;
export type MethodOutput<K extends MethodName> = Awaited<ReturnType<Methods[K]['call']>>;

/** Methods whose input may be left out take it as an optional argument. */
type InputArgs<K extends MethodName> =
  undefined extends MethodInput<K> ? [input?: MethodInput<K>] : [input: MethodInput<K>];

/** What the interface calls, whatever the transport (IPC or HTTP). */
export type CatenaApi = { [K in MethodName]: (...args: InputArgs<K>) => Promise<MethodOutput<K>> };

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
