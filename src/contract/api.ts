/**
 * The API for other systems: the REST routes that are more than one call of
 * the core service — the legacy trigger and status of the original notes,
 * launches as resources, series with downsampling, the latest values. Same
 * shape as the methods table (input schema, output schema, call, route);
 * `call` gets the host's `ApiHost` instead of the bare service, because these
 * need what only a running host knows (its launches in progress).
 *
 * Legacy routes keep the notes' snake_case fields; `/api/v1` uses the
 * contract's camelCase.
 */
import { z } from 'zod';
import type { ChainKey } from '../core/domain/chain.ts';
import type { LaunchRequest } from '../core/engine/events.ts';
import type { CatenaService } from '../core/service/types.ts';
import { HostRefusal, isHostRefusal } from './errors.ts';
import {
  chainPair,
  chainParam,
  chainPathParams,
  type HttpBinding,
  route,
  timeParam,
  unitParam,
  wholeNumberParam,
} from './http.ts';
import { launchInput, type MethodSpec, noInput } from './methods.ts';
import { named, runRecordSchema, wireSeriesSchema } from './outputs.ts';
import { chainKeySchema, epochSeconds, runModeSchema, wireErrorSchema } from './schemas.ts';

// --- what the host answers

const chainPhaseSchema = z.enum([
  'queued',
  'configuring',
  'reference',
  'elaborating',
  'waiting',
  'retrying',
  'finishing',
]);

export const chainProgressSchema = named(
  z.object({
    phase: chainPhaseSchema,
    timestampsDone: z.number(),
    timestampsTotal: z.number(),
    rowsRead: z.number(),
    rowsWritten: z.number(),
    waitingFor: z
      .string()
      .nullable()
      .describe('in phase waiting: what the write waits for, e.g. a lock held by another connection'),
    rate: z.number().describe('timestamps per second so far'),
    etaSeconds: z.number().nullable(),
  }),
  'ChainProgress',
  'the last progress event of a chain that this host is elaborating',
);
export type ChainProgress = z.output<typeof chainProgressSchema>;

export const runningChainSchema = named(
  chainKeySchema.extend({
    launchId: z.string().nullable().describe('null while the launch is being started by another request'),
    host: z.string().nullable().describe('the host elaborating it; null = this one'),
  }),
  'RunningChain',
);
export type RunningChain = z.output<typeof runningChainSchema>;

export const startedLaunchSchema = named(
  z.object({
    launchId: z.string(),
    chains: z.array(chainKeySchema),
    skipped: z
      .array(runningChainSchema)
      .describe('chains left out because they are already being elaborated'),
  }),
  'StartedLaunch',
);
export type StartedLaunch = z.output<typeof startedLaunchSchema>;

export const launchChainSchema = named(
  chainKeySchema.extend({
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted']),
    runId: z.number().nullable(),
    phase: z.string().nullable(),
    rowsWritten: z.number(),
    progress: chainProgressSchema.nullable(),
    errorCode: z.string().nullable(),
    message: z.string().nullable(),
  }),
  'LaunchChain',
);

export const launchViewSchema = named(
  z.object({
    launchId: z.string(),
    status: z.enum(['running', 'finished']),
    mode: runModeSchema.nullable(),
    host: z.string().nullable().describe('the host that runs it; null = this one'),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
    chains: z.array(launchChainSchema),
  }),
  'Launch',
  'a launch: its chains, with live progress while this host runs them',
);
export type LaunchView = z.output<typeof launchViewSchema>;

export const cancelViewSchema = z.object({
  launchId: z.string(),
  cancelled: z.literal(true),
  chain: chainKeySchema.nullable(),
});
export type CancelView = z.output<typeof cancelViewSchema>;

export const chainStateSchema = z.object({
  key: chainKeySchema,
  /** this host's launch of the chain, while the chain is queued or running in it */
  local: z.object({ launchId: z.string(), progress: chainProgressSchema.nullable() }).nullable(),
  /** the chain's newest run in catena_runs (any host) */
  run: runRecordSchema.nullable(),
});
export type ChainState = z.output<typeof chainStateSchema>;

export const downsamplingSchema = z.object({
  method: z.literal('bucket-mean'),
  reason: z.enum(['requested', 'row-cap']),
  points: z.number().describe('buckets per node'),
  bucketSeconds: z.number(),
});

export const seriesViewSchema = named(
  chainKeySchema.extend({
    from: epochSeconds.nullable(),
    to: epochSeconds.nullable(),
    nodeIndex: z.number().nullable(),
    rowsRead: z.number().describe('rows read from the database'),
    truncated: z
      .boolean()
      .describe(
        'true when the span held more rows than one answer reads: the newest were kept; narrow from/to',
      ),
    downsampling: downsamplingSchema
      .nullable()
      .describe('null when the rows are as stored; else each row is the mean of a time bucket of one node'),
    series: wireSeriesSchema.extend({
      samples: z.array(z.number()).optional().describe('when downsampled: the stored rows behind each row'),
    }),
  }),
  'ChainSeries',
);
export type SeriesView = z.output<typeof seriesViewSchema>;

export const SERIES_MAX_POINTS = 10_000;

export interface SeriesRequest {
  key: ChainKey;
  nodeIndex?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  points?: number | undefined;
}

const nullableNumber = z.number().nullable();

export const latestRowSchema = z.object({
  nodeIndex: z.number(),
  timestamp: z.number(),
  alphaX: nullableNumber,
  alphaY: nullableNumber,
  temperature: nullableNumber,
  dispX: nullableNumber,
  dispY: nullableNumber,
  cumX: nullableNumber,
  cumY: nullableNumber,
  cumR: nullableNumber,
  velR: nullableNumber,
  flags: z.number(),
});

export const latestViewSchema = named(
  chainKeySchema.extend({
    timestamp: z
      .number()
      .nullable()
      .describe('the newest timestamp among the nodes; null when none is elaborated'),
    nodes: z
      .array(latestRowSchema)
      .describe('the newest elaborated row of each node that has one, by nodeIndex'),
  }),
  'ChainLatest',
);
export type LatestView = z.output<typeof latestViewSchema>;

export const scheduledLaunchSchema = z.object({
  launchId: z
    .string()
    .nullable()
    .describe('null when the tick started nothing (every active chain was running)'),
  at: epochSeconds.describe('when the tick fired'),
  chains: z.array(chainKeySchema),
  skipped: z.array(runningChainSchema).describe('chains left out because they were already being elaborated'),
  finishedAt: epochSeconds.nullable().describe('null while the launch runs'),
  outcome: z
    .enum(['running', 'succeeded', 'failed', 'cancelled', 'skipped'])
    .describe('`failed` when any chain failed, `skipped` when nothing was started'),
});

export const scheduleViewSchema = named(
  z.object({
    enabled: z.boolean().describe('false when the host was started without --schedule'),
    cron: z.string().nullable(),
    timezone: z.string().nullable().describe('the time zone the cron expression is read in'),
    nextRun: epochSeconds.nullable(),
    running: z.string().nullable().describe('the scheduled launch running now'),
    last: scheduledLaunchSchema.nullable().describe('the last scheduled launch'),
    ticks: z.number().describe('ticks since the host started'),
    skippedTicks: z.number().describe('ticks skipped because the previous scheduled launch still ran'),
    lastSkippedAt: epochSeconds.nullable(),
  }),
  'Schedule',
);
export type ScheduleView = z.output<typeof scheduleViewSchema>;

/**
 * What a host gives the API, built from the core service by the server
 * (src/server/launches.ts).
 */
export interface ApiHost {
  readonly service: CatenaService;
  /**
   * Starts a launch. Chains named explicitly must be in active_stations (404)
   * and not being elaborated here or by another host (409); with
   * `all-active`, the running ones are skipped and listed.
   */
  start(request: LaunchRequest): Promise<StartedLaunch>;
  /** NOT_FOUND when neither this host nor catena_runs knows it */
  launch(launchId: string): Promise<LaunchView>;
  /** NOT_FOUND, or LAUNCH_ENDED when it is not running on this host */
  cancel(launchId: string, chain?: ChainKey): Promise<CancelView>;
  /** CHAIN_NOT_FOUND when the chain has no run and is not in active_stations */
  chainState(key: ChainKey): Promise<ChainState>;
  series(request: SeriesRequest): Promise<SeriesView>;
  latest(key: ChainKey): Promise<LatestView>;
  /** the scheduler's state (enabled false without one) */
  schedule(): ScheduleView;
}

function apiMethod<I extends z.ZodType, O>(
  spec: MethodSpec<I, O, ApiHost> & { http: HttpBinding<z.input<I>> },
) {
  return spec;
}

// --- the legacy routes of the original notes

/** ISO 8601 UTC without milliseconds, as the legacy answers carry times. */
export function isoTime(epochSeconds: number | null): string | null {
  return epochSeconds === null ? null : `${new Date(epochSeconds * 1000).toISOString().slice(0, 19)}Z`;
}

const legacyChainParams = z.object({ unitId: unitParam, chain: chainParam }).strict();
const legacyChain = (params: { unitId: string; chain: string }) => ({
  controlUnitCode: params.unitId,
  chain: params.chain,
});

const legacyStartedSchema = z.object({
  status: z.literal('processing_started'),
  unit_id: z.string(),
  chain: z.string(),
  launch_id: z.string(),
});

const legacyRunningChain = (c: RunningChain) => ({
  unit_id: c.controlUnitCode,
  chain: c.chain,
  launch_id: c.launchId,
});

/** A 409 of the legacy routes: the notes' fields next to the error. */
function legacyConflict(error: unknown, key: ChainKey): unknown {
  if (!isHostRefusal(error) || error.code !== 'CHAIN_RUNNING') return error;
  const running = (error.extra.running as RunningChain[] | undefined)?.[0];
  return error.withExtra({
    ...error.extra,
    status: 'already_running',
    unit_id: key.controlUnitCode,
    chain: key.chain,
    launch_id: running?.launchId ?? null,
  });
}

const legacyStatusSchema = z.object({
  status: z.enum(['running', 'completed', 'failed', 'cancelled', 'never']),
  unit_id: z.string(),
  chain: z.string(),
  timestamp: z
    .string()
    .nullable()
    .describe('ISO 8601 UTC: when the run ended, else its last heartbeat, else its start; null for never'),
  run_id: z.number().nullable(),
  launch_id: z.string().nullable(),
  rows: z.number().describe('elaborated rows written by the run (so far, while running)'),
  message: z.string().nullable(),
  progress: z
    .object({
      phase: z.string().nullable(),
      percent: z.number().nullable(),
      timestamps_done: z.number().nullable(),
      timestamps_total: z.number().nullable(),
      rows_read: z.number().nullable(),
      rows_written: z.number(),
      eta_seconds: z.number().nullable(),
      committed_to: z.string().nullable(),
      host: z.string().nullable().describe('the host elaborating the chain; null = this one'),
    })
    .optional()
    .describe('only while running'),
});
type LegacyStatus = z.output<typeof legacyStatusSchema>;

const LEGACY_STATUS: Record<string, LegacyStatus['status']> = {
  running: 'running',
  succeeded: 'completed',
  failed: 'failed',
  interrupted: 'failed',
  cancelled: 'cancelled',
};

/** The legacy status of a chain from what the host knows. */
export function legacyStatus(state: ChainState): LegacyStatus {
  const { key, local, run } = state;
  const head = { unit_id: key.controlUnitCode, chain: key.chain };
  const runOfLocal = local && run?.launchId === local.launchId ? run : null;
  if (local) {
    const p = local.progress;
    return {
      status: 'running',
      ...head,
      timestamp: isoTime(runOfLocal ? (runOfLocal.heartbeatAt ?? runOfLocal.startedAt) : null),
      run_id: runOfLocal?.runId ?? null,
      launch_id: local.launchId,
      rows: p?.rowsWritten ?? 0,
      message: null,
      progress: {
        phase: p?.phase ?? 'queued',
        percent:
          p && p.timestampsTotal > 0 ? Math.round((1000 * p.timestampsDone) / p.timestampsTotal) / 10 : null,
        timestamps_done: p?.timestampsDone ?? 0,
        timestamps_total: p?.timestampsTotal ?? null,
        rows_read: p?.rowsRead ?? 0,
        rows_written: p?.rowsWritten ?? 0,
        eta_seconds: p?.etaSeconds ?? null,
        committed_to: isoTime(runOfLocal?.committedTo ?? null),
        host: null,
      },
    };
  }
  if (!run) {
    return {
      status: 'never',
      ...head,
      timestamp: null,
      run_id: null,
      launch_id: null,
      rows: 0,
      message: `chain ${key.controlUnitCode}-${key.chain} has not been elaborated yet`,
    };
  }
  const status = LEGACY_STATUS[run.status] ?? 'failed';
  const answer: LegacyStatus = {
    status,
    ...head,
    timestamp: isoTime(run.endedAt ?? run.heartbeatAt ?? run.startedAt),
    run_id: run.runId,
    launch_id: run.launchId,
    rows: run.rowsWritten,
    message: run.message ?? (run.status === 'interrupted' ? 'the run was interrupted' : null),
  };
  if (status === 'running') {
    answer.progress = {
      phase: run.phase,
      percent: null,
      timestamps_done: run.timestamps,
      timestamps_total: null,
      rows_read: run.rowsRead,
      rows_written: run.rowsWritten,
      eta_seconds: null,
      committed_to: isoTime(run.committedTo),
      host: run.host,
    };
  }
  return answer;
}

const LAUNCH_ID = '9b2f6c1e-4d0a-4f7e-8a51-0c3e2d1b7a90';
const OTHER_LAUNCH_ID = '3e1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b';
const CU001_A = { controlUnitCode: 'CU001', chain: 'A' };

const CHAIN_RUNNING_409 =
  'a chain is already being elaborated (here or by another host): the body names its launch';

export const apiMethods = {
  trigger: apiMethod({
    summary: 'starts an incremental run of one chain and answers at once',
    input: chainKeySchema,
    output: legacyStartedSchema,
    call: async (host, key) => {
      try {
        const started = await host.start({ chains: [key], mode: 'incremental' });
        const chain = started.chains[0] ?? key;
        return {
          status: 'processing_started' as const,
          unit_id: chain.controlUnitCode,
          chain: chain.chain,
          launch_id: started.launchId,
        };
      } catch (error) {
        throw legacyConflict(error, key);
      }
    },
    http: route({
      verb: 'POST',
      path: '/trigger/{unitId}/{chain}',
      operationId: 'legacyTrigger',
      tag: 'legacy',
      description:
        'As in the original notes: an incremental run of the chain starts in the background. ' +
        'Follow it with `GET /status/{unitId}/{chain}` or `GET /api/v1/launches/{launch_id}`.',
      params: legacyChainParams,
      input: ({ params }) => legacyChain(params),
      status: 202,
      errors: { 404: 'the chain is not in active_stations', 409: CHAIN_RUNNING_409 },
      conflict: 'chain-running',
      examples: [
        {
          summary: 'trigger CU001-A',
          params: { unitId: 'CU001', chain: 'A' },
          response: { status: 'processing_started', unit_id: 'CU001', chain: 'A', launch_id: LAUNCH_ID },
        },
      ],
    }),
  }),

  triggerAll: apiMethod({
    summary: 'starts an incremental run of every active chain that is not already running',
    input: noInput,
    output: z.object({
      status: z.literal('processing_started'),
      launch_id: z.string(),
      chains: z.array(z.object({ unit_id: z.string(), chain: z.string() })),
      skipped: z
        .array(z.object({ unit_id: z.string(), chain: z.string(), launch_id: z.string().nullable() }))
        .describe('chains already being elaborated, with their launch'),
    }),
    call: async (host) => {
      const started = await host.start({ chains: 'all-active', mode: 'incremental' });
      return {
        status: 'processing_started' as const,
        launch_id: started.launchId,
        chains: started.chains.map((c) => ({ unit_id: c.controlUnitCode, chain: c.chain })),
        skipped: started.skipped.map(legacyRunningChain),
      };
    },
    http: route({
      verb: 'POST',
      path: '/trigger',
      operationId: 'legacyTriggerAll',
      tag: 'legacy',
      description:
        'One launch of every chain whose `active` is not 0. Chains already being elaborated are skipped ' +
        'and listed; when all of them are, the answer is 409.',
      input: () => undefined,
      status: 202,
      errors: { 409: 'every active chain is already being elaborated', 422: 'no chain is active' },
      conflict: 'chain-running',
      examples: [
        {
          summary: 'two active chains, one of them already running',
          response: {
            status: 'processing_started',
            launch_id: LAUNCH_ID,
            chains: [{ unit_id: 'CU001', chain: 'A' }],
            skipped: [{ unit_id: 'CU002', chain: 'B', launch_id: OTHER_LAUNCH_ID }],
          },
        },
      ],
    }),
  }),

  status: apiMethod({
    summary: "a chain's latest run, with its progress while it runs",
    input: chainKeySchema,
    output: legacyStatusSchema,
    call: async (host, key) => legacyStatus(await host.chainState(key)),
    http: route({
      verb: 'GET',
      path: '/status/{unitId}/{chain}',
      operationId: 'legacyStatus',
      tag: 'legacy',
      description:
        '`completed` = the run succeeded; `failed` includes runs `interrupted` (their process stopped); ' +
        '`never` = no run yet. While running, `progress` comes from the engine’s events when this host ' +
        'runs the chain, else from the run’s last heartbeat in the database.',
      params: legacyChainParams,
      input: ({ params }) => legacyChain(params),
      errors: { 404: 'the chain has no run and is not in active_stations' },
      examples: [
        {
          summary: 'the last run completed',
          params: { unitId: 'CU001', chain: 'A' },
          response: {
            status: 'completed',
            unit_id: 'CU001',
            chain: 'A',
            timestamp: '2026-10-01T12:01:02Z',
            run_id: 42,
            launch_id: LAUNCH_ID,
            rows: 1_450,
            message: null,
          },
        },
        {
          summary: 'running',
          params: { unitId: 'CU001', chain: 'A' },
          response: {
            status: 'running',
            unit_id: 'CU001',
            chain: 'A',
            timestamp: '2026-10-01T12:00:04Z',
            run_id: 43,
            launch_id: LAUNCH_ID,
            rows: 600,
            message: null,
            progress: {
              phase: 'elaborating',
              percent: 41.4,
              timestamps_done: 60,
              timestamps_total: 145,
              rows_read: 600,
              rows_written: 600,
              eta_seconds: 3.1,
              committed_to: '2026-09-30T22:00:00Z',
              host: null,
            },
          },
        },
      ],
    }),
  }),

  // --- /api/v1: launches as resources

  createLaunch: apiMethod({
    summary: 'starts a launch and answers at once (202)',
    input: launchInput,
    output: startedLaunchSchema,
    call: (host, input) => host.start(input),
    http: route({
      verb: 'POST',
      path: '/api/v1/launches',
      operationId: 'createLaunch',
      tag: 'launches',
      description:
        'The body is the input of `POST /api/launch`. Named chains must be in active_stations (404) and ' +
        'not already being elaborated (409, with the running launches); `"all-active"` skips the running ' +
        'ones and lists them in `skipped`. Follow the launch at `GET /api/v1/launches/{id}`.',
      body: launchInput,
      input: ({ body }) => body,
      status: 202,
      errors: {
        404: 'a named chain is not in active_stations',
        409: CHAIN_RUNNING_409,
        422: 'nothing to launch (no active chain)',
      },
      conflict: 'chain-running',
      examples: [
        {
          summary: 'a full re-run of one chain',
          body: { chains: [CU001_A], mode: 'full' },
          response: { launchId: LAUNCH_ID, chains: [CU001_A], skipped: [] },
        },
        {
          summary: 'a range of every active chain',
          body: {
            chains: 'all-active',
            mode: 'range',
            from: 1_790_812_800,
            to: 1_790_899_200,
            concurrency: 2,
          },
          response: {
            launchId: LAUNCH_ID,
            chains: [CU001_A],
            skipped: [
              { controlUnitCode: 'CU002', chain: 'B', launchId: OTHER_LAUNCH_ID, host: 'station-pc' },
            ],
          },
        },
      ],
    }),
  }),

  getLaunch: apiMethod({
    summary: 'a launch and its chains',
    input: z.object({ launchId: z.string().min(1).max(64) }).strict(),
    output: launchViewSchema,
    call: (host, input) => host.launch(input.launchId),
    http: route({
      verb: 'GET',
      path: '/api/v1/launches/{id}',
      operationId: 'getLaunch',
      tag: 'launches',
      params: z.object({ id: z.string().min(1).max(64) }).strict(),
      input: ({ params }) => ({ launchId: params.id }),
      errors: { 404: 'no such launch (here or in catena_runs)' },
      examples: [
        {
          summary: 'a launch in progress',
          params: { id: LAUNCH_ID },
          response: {
            launchId: LAUNCH_ID,
            status: 'running',
            mode: 'incremental',
            host: null,
            startedAt: 1_790_899_260,
            finishedAt: null,
            chains: [
              {
                ...CU001_A,
                status: 'running',
                runId: 43,
                phase: 'elaborating',
                rowsWritten: 600,
                progress: {
                  phase: 'elaborating',
                  timestampsDone: 60,
                  timestampsTotal: 145,
                  rowsRead: 600,
                  rowsWritten: 600,
                  waitingFor: null,
                  rate: 19.5,
                  etaSeconds: 3.1,
                },
                errorCode: null,
                message: null,
              },
              {
                controlUnitCode: 'CU002',
                chain: 'A',
                status: 'queued',
                runId: null,
                phase: 'queued',
                rowsWritten: 0,
                progress: null,
                errorCode: null,
                message: null,
              },
            ],
          },
        },
      ],
    }),
  }),

  cancelLaunch: apiMethod({
    summary: 'cancels a launch, or one chain of it (at the next batch boundary)',
    input: z.object({ launchId: z.string().min(1).max(64), chain: chainKeySchema.optional() }).strict(),
    output: cancelViewSchema,
    call: (host, input) => host.cancel(input.launchId, input.chain),
    http: route({
      verb: 'DELETE',
      path: '/api/v1/launches/{id}',
      operationId: 'cancelLaunch',
      tag: 'launches',
      description:
        'What the chains committed stays; the next incremental run resumes after it. A launch of another ' +
        'host is cancelled there (409).',
      params: z.object({ id: z.string().min(1).max(64) }).strict(),
      query: z
        .object({
          unit: unitParam.optional().describe('with chain: cancel only this chain of the launch'),
          chain: chainParam.optional().describe('with unit: cancel only this chain of the launch'),
        })
        .strict()
        .superRefine(chainPair),
      input: ({ params, query }) => ({
        launchId: params.id,
        chain:
          query.unit === undefined && query.chain === undefined
            ? undefined
            : { controlUnitCode: query.unit ?? '', chain: query.chain ?? '' },
      }),
      status: 202,
      errors: {
        404: 'no such launch, or the chain is not in it',
        409: 'the launch has ended, or runs on another host',
      },
      examples: [
        {
          summary: 'cancel a whole launch',
          params: { id: LAUNCH_ID },
          response: { launchId: LAUNCH_ID, cancelled: true, chain: null },
        },
        {
          summary: 'cancel one chain of it',
          params: { id: LAUNCH_ID },
          query: { unit: 'CU001', chain: 'A' },
          response: { launchId: LAUNCH_ID, cancelled: true, chain: CU001_A },
        },
      ],
    }),
  }),

  // --- /api/v1: a chain's data

  chainSeries: apiMethod({
    summary: 'elaborated rows of a chain over a span, downsampled on request',
    input: z
      .object({
        key: chainKeySchema,
        nodeIndex: z.number().int().min(0).optional(),
        from: epochSeconds.optional(),
        to: epochSeconds.optional(),
        points: z.number().int().min(2).max(SERIES_MAX_POINTS).optional(),
      })
      .strict()
      .refine((v) => v.from === undefined || v.to === undefined || v.from <= v.to, {
        path: ['to'],
        message: 'to is before from',
      }),
    output: seriesViewSchema,
    call: (host, input) => host.series(input),
    http: route({
      verb: 'GET',
      path: '/api/v1/chains/{unit}/{chain}/series',
      operationId: 'getChainSeries',
      tag: 'chains',
      description:
        '`points=N` divides the span of the rows into N equal time buckets and answers, per node, one row ' +
        'per non-empty bucket: the mean of each value (nulls left out), the mean time, the OR of the flags ' +
        '(a spike or an invalid row stays visible) and `samples`, the rows behind it. Without `points`, an ' +
        'answer of more than 100 000 rows is downsampled the same way (`reason: "row-cap"`), and a span ' +
        'of more than 500 000 rows keeps the newest (`truncated`).',
      params: chainPathParams,
      query: z
        .object({
          from: timeParam.optional(),
          to: timeParam.optional(),
          node: wholeNumberParam(0, 100_000, 'one node only: its nodeIndex').optional(),
          points: wholeNumberParam(
            2,
            SERIES_MAX_POINTS,
            'downsample to this many points per node',
          ).optional(),
        })
        .strict(),
      input: ({ params, query }) => ({
        key: { controlUnitCode: params.unit, chain: params.chain },
        nodeIndex: query.node,
        from: query.from,
        to: query.to,
        points: query.points,
      }),
      errors: { 404: 'the chain is not in active_stations' },
      examples: [
        {
          summary: 'node 1 over one day in 2 points',
          params: { unit: 'CU001', chain: 'A' },
          query: { from: '2026-10-01', to: '2026-10-02', node: '1', points: '2' },
          response: {
            ...CU001_A,
            from: 1_790_812_800,
            to: 1_790_899_200,
            nodeIndex: 1,
            rowsRead: 145,
            truncated: false,
            downsampling: { method: 'bucket-mean', reason: 'requested', points: 2, bucketSeconds: 43_201 },
            series: {
              length: 2,
              timestamp: [1_790_834_400, 1_790_877_600],
              nodeIndex: [1, 1],
              alphaX: [0.512, 0.515],
              alphaY: [-0.211, -0.209],
              temperature: [14.2, 13.8],
              dispX: [8.93, 8.98],
              dispY: [-3.68, -3.65],
              cumX: [0.41, 0.46],
              cumY: [-0.12, -0.09],
              cumR: [0.43, 0.47],
              velR: [0.02, null],
              flags: [0, 2],
              samples: [72, 73],
            },
          },
        },
      ],
    }),
  }),

  chainLatest: apiMethod({
    summary: 'the newest elaborated row of every node of a chain',
    input: z.object({ key: chainKeySchema }).strict(),
    output: latestViewSchema,
    call: (host, input) => host.latest(input.key),
    http: route({
      verb: 'GET',
      path: '/api/v1/chains/{unit}/{chain}/latest',
      operationId: 'getChainLatest',
      tag: 'chains',
      params: chainPathParams,
      input: ({ params }) => ({ key: { controlUnitCode: params.unit, chain: params.chain } }),
      errors: { 404: 'the chain is not in active_stations' },
      examples: [
        {
          summary: 'a chain of one node',
          params: { unit: 'CU001', chain: 'A' },
          response: {
            ...CU001_A,
            timestamp: 1_790_899_200,
            nodes: [
              {
                nodeIndex: 1,
                timestamp: 1_790_899_200,
                alphaX: 0.515,
                alphaY: -0.209,
                temperature: 13.8,
                dispX: 8.98,
                dispY: -3.65,
                cumX: 0.46,
                cumY: -0.09,
                cumR: 0.47,
                velR: 0.02,
                flags: 0,
              },
            ],
          },
        },
      ],
    }),
  }),

  getSchedule: apiMethod({
    summary: 'the schedule of incremental launches, its next run and its last launch',
    input: noInput,
    output: scheduleViewSchema,
    call: async (host) => host.schedule(),
    http: route({
      verb: 'GET',
      path: '/api/v1/schedule',
      operationId: 'getSchedule',
      tag: 'launches',
      description:
        'With `--schedule CRON` (or CATENA_SCHEDULE) the host starts an incremental launch of every active ' +
        'chain on that cron. A tick while the previous scheduled launch still runs is skipped (and logged); ' +
        'chains another launch is elaborating are left out and listed in `skipped`.',
      input: () => undefined,
      examples: [
        {
          summary: 'every ten minutes',
          response: {
            enabled: true,
            cron: '*/10 * * * *',
            timezone: 'UTC',
            nextRun: 1_790_899_800,
            running: null,
            last: {
              launchId: LAUNCH_ID,
              at: 1_790_899_200,
              chains: [CU001_A],
              skipped: [],
              finishedAt: 1_790_899_212,
              outcome: 'succeeded',
            },
            ticks: 1,
            skippedTicks: 0,
            lastSkippedAt: null,
          },
        },
        {
          summary: 'no schedule',
          response: {
            enabled: false,
            cron: null,
            timezone: null,
            nextRun: null,
            running: null,
            last: null,
            ticks: 0,
            skippedTicks: 0,
            lastSkippedAt: null,
          },
        },
      ],
    }),
  }),
} as const;

export type ApiMethods = typeof apiMethods;
export type ApiMethodName = keyof ApiMethods;

/** The body of a 409 for chains already being elaborated. */
export const chainRunningBodySchema = named(
  z.looseObject({ error: wireErrorSchema, running: z.array(runningChainSchema) }),
  'ChainRunning',
  'a chain is already being elaborated; `running` names the launches (legacy routes add status, unit_id, chain, launch_id)',
);

/** Refuses a launch of chains already being elaborated. */
export function chainRunning(running: RunningChain[]): HostRefusal {
  const first = running[0]!;
  const where = first.host === null ? 'this host' : `host ${first.host}`;
  const launch = first.launchId === null ? 'a launch being started' : `launch ${first.launchId}`;
  const others = running.length > 1 ? ` (and ${running.length - 1} more chain(s) already running)` : '';
  return new HostRefusal(
    'CHAIN_RUNNING',
    `chain ${first.controlUnitCode}-${first.chain} is already being elaborated by ${launch} on ${where}${others}; ` +
      'wait for it to finish or cancel it',
    { subject: { controlUnitCode: first.controlUnitCode, chain: first.chain }, extra: { running } },
  );
}
