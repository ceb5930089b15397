/**
 * The contract on its own: input validation, the wire form of outputs and
 * errors. The hosts' behaviour on a real database is covered end to end
 * (e2e/).
 */
import { describe, expect, it } from 'vitest';
import type { ElaboratedColumns } from '../core/domain/columns.ts';
import type { CatenaService } from '../core/service/types.ts';
import { type ChainState, legacyStatus } from './api.ts';
import { createDispatcher, type ExpectedError } from './dispatch.ts';
import { httpStatusFor } from './errors.ts';
import { engineEventSchema } from './events.ts';
import { parseTimeParam, timeParam, wholeNumberParam } from './http.ts';
import { methodNames, methods } from './methods.ts';
import { encodeSeries } from './wire.ts';

class OperatorError extends Error implements ExpectedError {
  code = 'CHAIN_CONFIG';
  subject = { controlUnitCode: 'CU001', chain: 'A', nodeIndex: 3, column: 'gainX' };
}

function columns(values: number[]): ElaboratedColumns {
  const f = () => Float64Array.from(values);
  return {
    length: values.length,
    timestamp: Float64Array.from(values.map((_, i) => 1_700_000_000 + i * 1800)),
    nodeIndex: Int32Array.from(values.map(() => 1)),
    alphaX: f(),
    alphaY: f(),
    temperature: f(),
    dispX: f(),
    dispY: f(),
    cumX: f(),
    cumY: f(),
    cumR: f(),
    velR: f(),
    flags: Int32Array.from(values.map((v) => (Number.isNaN(v) ? 1 : 0))),
  };
}

/** Only what each case calls; the dispatcher is what is under test. */
function service(overrides: Partial<CatenaService>): CatenaService {
  const missing = () => {
    throw new Error('not used by this case');
  };
  return {
    info: () => ({
      kind: 'sqlite',
      location: 'sqlite:/tmp/x.db',
      serverVersion: 'SQLite 3',
      readOnly: false,
      snapshot: null,
    }),
    testConnection: missing,
    connect: missing,
    connections: missing,
    forgetConnection: missing,
    takeSnapshot: missing,
    snapshotStatus: missing,
    cancelSnapshot: missing,
    listChains: missing,
    launch: missing,
    whenDone: missing,
    runningLaunches: () => [],
    cancel: missing,
    listRuns: missing,
    series: missing,
    chainNodes: missing,
    rawReadings: missing,
    quality: missing,
    events: missing,
    acknowledgeEvents: missing,
    chainReport: missing,
    onEvent: () => () => {},
    notifications: {
      rules: missing,
      addRule: missing,
      removeRule: missing,
      test: missing,
      deliveries: missing,
      settle: missing,
      checkStale: missing,
      channels: () => [],
      smtp: missing,
      setSmtp: missing,
      staleEpisodes: missing,
    },
    close: async () => {},
    ...overrides,
  };
}

const logged: string[] = [];
const options = {
  isExpected: (e: unknown): e is ExpectedError => e instanceof OperatorError,
  logUnexpected: (e: unknown, context: string) => {
    logged.push(`${context}: ${String(e)}`);
    return '/var/log/catena/server.log';
  },
};

describe('contract: the methods table', () => {
  it('access: what the host vouches for, full where the host knows no token', async () => {
    const dispatch = createDispatcher(service({}), {
      isExpected: (e): e is ExpectedError => false,
      logUnexpected: () => 'log',
    });
    expect(await dispatch('access', undefined)).toEqual({ ok: true, value: { access: 'full' } });
    expect(await dispatch('access', undefined, 'control room', 'read')).toEqual({
      ok: true,
      value: { access: 'read' },
    });
    expect(methods.access.writes).toBe(false);
  });

  it('mirrors the service use cases', () => {
    expect(methodNames).toEqual([
      'info',
      'access',
      'listChains',
      'launch',
      'cancel',
      'listRuns',
      'series',
      'chainNodes',
      'rawReadings',
      'quality',
      'events',
      'acknowledgeEvents',
      'notifyRules',
      'addNotifyRule',
      'removeNotifyRule',
      'testNotifyRule',
      'notifySmtp',
      'setNotifySmtp',
      'testConnection',
      'connect',
      'listConnections',
      'forgetConnection',
      'takeSnapshot',
      'snapshotStatus',
      'cancelSnapshot',
      'chainReport',
    ]);
  });

  it('acknowledgeEvents: the caller the host vouches for replaces the name sent; without one the name sent stays', async () => {
    const seen: string[] = [];
    const dispatch = createDispatcher(
      service({
        acknowledgeEvents: async (request) => {
          seen.push(request.by);
          return { ...request.key, acknowledged: 0, by: request.by, note: null, at: 0 };
        },
      }),
      options,
    );
    const input = { key: { controlUnitCode: 'CU001', chain: 'A' }, by: 'Mallory' };
    expect((await dispatch('acknowledgeEvents', input, 'control room')).ok).toBe(true);
    expect((await dispatch('acknowledgeEvents', input)).ok).toBe(true);
    expect(seen).toEqual(['control room', 'Mallory']);
    const nameless = await dispatch('acknowledgeEvents', { key: input.key });
    expect(nameless).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('launch: a range needs from and to, in order', () => {
    const input = methods.launch.input;
    const key = { controlUnitCode: 'CU001', chain: 'A' };
    expect(input.safeParse({ chains: [key], mode: 'full' }).success).toBe(true);
    expect(input.safeParse({ chains: 'all-active', mode: 'incremental' }).success).toBe(true);
    expect(input.safeParse({ chains: [key], mode: 'range', from: 10 }).success).toBe(false);
    expect(input.safeParse({ chains: [key], mode: 'range', from: 20, to: 10 }).success).toBe(false);
    expect(input.safeParse({ chains: [], mode: 'full' }).success).toBe(false);
    expect(input.safeParse({ chains: [key], mode: 'full', concurrency: 0 }).success).toBe(false);
    expect(input.safeParse({ chains: [key], mode: 'everything' }).success).toBe(false);
  });

  it('chainNodes and quality take a chain key; quality a span of whole epoch seconds or nulls', () => {
    const key = { controlUnitCode: 'CU001', chain: 'A' };
    expect(methods.chainNodes.input.safeParse({ key }).success).toBe(true);
    expect(methods.chainNodes.input.safeParse({}).success).toBe(false);
    expect(methods.chainNodes.input.safeParse({ key: { ...key, chain: ' ' } }).success).toBe(false);
    const quality = methods.quality.input;
    expect(quality.safeParse({ key }).success).toBe(true);
    expect(quality.safeParse({ key, from: null, to: 1_700_000_000 }).success).toBe(true);
    expect(quality.safeParse({ key, from: 1.5 }).success).toBe(false);
    expect(quality.safeParse({ key, limit: 10 }).success).toBe(false);
  });

  it('rawReadings: one node, a span of epoch seconds or nulls, at most 20 000 rows, and it writes nothing', () => {
    const key = { controlUnitCode: 'CU001', chain: 'A' };
    const input = methods.rawReadings.input;
    expect(methods.rawReadings.writes).toBe(false);
    expect(input.safeParse({ key, nodeIndex: 3 }).success).toBe(true);
    expect(input.safeParse({ key, nodeIndex: 3, from: null, to: 1_700_000_000, limit: 20_000 }).success).toBe(
      true,
    );
    expect(input.safeParse({ key }).success).toBe(false);
    expect(input.safeParse({ key, nodeIndex: 3, limit: 20_001 }).success).toBe(false);
    expect(input.safeParse({ key, nodeIndex: -1 }).success).toBe(false);
    expect(input.safeParse({ key, nodeIndex: 3, points: 10 }).success).toBe(false);
  });

  it('rejects unknown fields instead of ignoring them', () => {
    expect(methods.listChains.input.safeParse({ drop: 1 }).success).toBe(false);
    expect(methods.listChains.input.safeParse(undefined).success).toBe(true);
  });
});

describe('contract: the wire', () => {
  it('series: NaN (SQL NULL) becomes null, typed arrays become arrays', () => {
    const wire = encodeSeries(columns([1.5, Number.NaN, -2]));
    expect(wire.alphaX).toEqual([1.5, null, -2]);
    expect(wire.flags).toEqual([0, 1, 0]);
    expect(JSON.parse(JSON.stringify(wire))).toEqual(wire);
  });

  it('engine events are validated', () => {
    const progress = {
      type: 'chain-progress',
      launchId: 'l1',
      controlUnitCode: 'CU001',
      chain: 'A',
      phase: 'elaborating',
      timestampsDone: 10,
      timestampsTotal: 100,
      rowsRead: 500,
      rowsToRead: 5000,
      rowsWritten: 500,
      waitingFor: null,
      rate: 20,
      etaSeconds: 4.5,
    };
    expect(engineEventSchema.safeParse(progress).success).toBe(true);
    expect(engineEventSchema.safeParse({ ...progress, phase: 'reading' }).success).toBe(true);
    expect(engineEventSchema.safeParse({ ...progress, phase: 'dreaming' }).success).toBe(false);
  });

  it('HTTP statuses follow the error code', () => {
    expect(httpStatusFor('BAD_REQUEST')).toBe(400);
    expect(httpStatusFor('CHAIN_NOT_FOUND')).toBe(404);
    expect(httpStatusFor('CONNECTION_REFUSED')).toBe(503);
    expect(httpStatusFor('CHAIN_CONFIG')).toBe(422);
    expect(httpStatusFor('UNEXPECTED')).toBe(500);
    expect(httpStatusFor('UNAUTHORIZED')).toBe(401);
    expect(httpStatusFor('FORBIDDEN')).toBe(403);
    expect(httpStatusFor('NOT_FOUND')).toBe(404);
    expect(httpStatusFor('CHAIN_RUNNING')).toBe(409);
    expect(httpStatusFor('LAUNCH_ENDED')).toBe(409);
  });
});

describe('contract: REST parameters', () => {
  it.each([
    ['1790812800', 1_790_812_800],
    ['2026-10-01', 1_790_812_800],
    ['2026-10-01T00:00:00Z', 1_790_812_800],
    ['2026-10-01 02:00:00+02:00', 1_790_812_800],
    ['2026-10-01T00:00', 1_790_812_800], // no offset: UTC
    ['2026-02-30', null],
    ['yesterday', null],
    ['', null],
  ])('time %j → %s', (text, seconds) => {
    expect(parseTimeParam(text)).toBe(seconds);
  });

  it('a time parameter must be whole epoch seconds between 1970 and 9999', () => {
    expect(timeParam.safeParse('99999999999999').success).toBe(false);
    expect(timeParam.safeParse('0').success).toBe(true);
  });

  it('a whole number parameter', () => {
    const points = wholeNumberParam(2, 10);
    expect(points.parse('3')).toBe(3);
    for (const bad of ['1', '11', '2.5', '-3', 'x', '']) expect(points.safeParse(bad).success).toBe(false);
  });
});

describe('contract: the legacy status', () => {
  const key = { controlUnitCode: 'CU001', chain: 'A' };
  const run = {
    ...key,
    runId: 7,
    launchId: 'L1',
    mode: 'incremental' as const,
    spanFrom: null,
    spanTo: null,
    host: 'other-host',
    status: 'succeeded' as const,
    startedAt: 1_790_812_800,
    endedAt: 1_790_812_862,
    phase: null,
    message: null,
    errorCode: null,
    heartbeatAt: 1_790_812_860,
    configFingerprint: null,
    committedTo: 1_790_812_000,
    resumesRunId: null,
    rowsRead: 120,
    rowsWritten: 120,
    timestamps: 40,
    invalidRows: 0,
    spikeRows: 0,
    heldRows: 0,
    ignoredRawRows: 0,
    eventsCreated: 0,
  };
  const state = (patch: Partial<ChainState>): ChainState => ({ key, local: null, run: null, ...patch });

  it.each([
    ['succeeded', 'completed'],
    ['failed', 'failed'],
    ['interrupted', 'failed'],
    ['cancelled', 'cancelled'],
  ] as const)('a run %s is "%s", timed by its end', (status, legacy) => {
    const answer = legacyStatus(state({ run: { ...run, status } }));
    expect(answer).toMatchObject({ status: legacy, run_id: 7, rows: 120, timestamp: '2026-10-01T00:01:02Z' });
    expect(answer).not.toHaveProperty('progress');
  });

  it('no run: "never"; a run of another host: running with its heartbeat', () => {
    expect(legacyStatus(state({}))).toMatchObject({ status: 'never', timestamp: null, run_id: null });
    const remote = legacyStatus(
      state({ run: { ...run, status: 'running', endedAt: null, phase: 'elaborating' } }),
    );
    expect(remote).toMatchObject({
      status: 'running',
      timestamp: '2026-10-01T00:01:00Z',
      progress: {
        phase: 'elaborating',
        rows_written: 120,
        committed_to: '2026-09-30T23:46:40Z',
        host: 'other-host',
      },
    });
  });

  it("this host's queued chain is running, phase queued; with progress, the percentage", () => {
    const queued = legacyStatus(state({ local: { launchId: 'L2', progress: null }, run: run }));
    expect(queued).toMatchObject({
      status: 'running',
      launch_id: 'L2',
      run_id: null,
      progress: { phase: 'queued' },
    });
    const progress = {
      phase: 'elaborating' as const,
      timestampsDone: 1,
      timestampsTotal: 3,
      rowsRead: 3,
      rowsWritten: 3,
      waitingFor: null,
      rate: 1,
      etaSeconds: 2,
    };
    const running = legacyStatus(
      state({ local: { launchId: 'L1', progress }, run: { ...run, status: 'running' } }),
    );
    expect(running).toMatchObject({
      run_id: 7,
      rows: 3,
      progress: { percent: 33.3, eta_seconds: 2, host: null },
    });
  });
});

describe('contract: dispatch', () => {
  it('answers a method with its output', async () => {
    const dispatch = createDispatcher(service({ series: async () => columns([Number.NaN]) }), options);
    const result = await dispatch('series', { key: { controlUnitCode: 'CU001', chain: 'A' } });
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ alphaX: [null] }) });
  });

  it('quality answers the per-node flag counts of the service as they are', async () => {
    const counts = [
      {
        nodeIndex: 1,
        rows: 4,
        invalid: 1,
        spikeX: 1,
        spikeY: 0,
        held: 2,
        noReference: 0,
        gravity: 0,
        firstAt: 1_700_000_000,
        lastAt: 1_700_005_400,
        lastValidAt: 1_700_005_400,
        errorCodeAfter: null,
      },
    ];
    const seen: unknown[] = [];
    const dispatch = createDispatcher(
      service({
        quality: async (query) => {
          seen.push(query);
          return counts;
        },
      }),
      options,
    );
    const key = { controlUnitCode: 'CU001', chain: 'A' };
    expect(await dispatch('quality', { key, from: null })).toEqual({ ok: true, value: counts });
    expect(seen).toEqual([{ key, from: null }]);
  });

  it('chainNodes of an unknown chain crosses as CHAIN_NOT_FOUND with its sentence (HTTP 404)', async () => {
    const sentence =
      'chain CU009-Z is not in active_stations; check the control unit code and the chain letter';
    const dispatch = createDispatcher(
      service({
        chainNodes: async () => {
          throw Object.assign(new OperatorError(sentence), {
            code: 'CHAIN_NOT_FOUND',
            subject: { controlUnitCode: 'CU009', chain: 'Z' },
          });
        },
      }),
      options,
    );
    const result = await dispatch('chainNodes', { key: { controlUnitCode: 'CU009', chain: 'Z' } });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'CHAIN_NOT_FOUND',
        message: sentence,
        subject: { controlUnitCode: 'CU009', chain: 'Z' },
      },
    });
    if (!result.ok) expect(httpStatusFor(result.error.code)).toBe(404);
  });

  it('an unknown method and a malformed input are refused with a message', async () => {
    const dispatch = createDispatcher(service({}), options);
    expect(await dispatch('dropTables', {})).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_METHOD', message: 'no method "dropTables"' },
    });
    const bad = await dispatch('series', { key: { controlUnitCode: 'CU001' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('BAD_REQUEST');
      expect(bad.error.message).toContain('key.chain');
    }
    // inherited object keys are not methods
    expect((await dispatch('toString', {})).ok).toBe(false);
  });

  it("an expected error keeps its code, subject and the operator's sentence", async () => {
    const dispatch = createDispatcher(
      service({
        listChains: async () => {
          throw new OperatorError('chain CU001-A, node 3: gainX is null');
        },
      }),
      options,
    );
    expect(await dispatch('listChains', undefined)).toEqual({
      ok: false,
      error: {
        code: 'CHAIN_CONFIG',
        message: 'chain CU001-A, node 3: gainX is null',
        subject: { controlUnitCode: 'CU001', chain: 'A', nodeIndex: 3, column: 'gainX' },
      },
    });
  });

  it('an unexpected error is logged and crosses as "see log file", never with its stack', async () => {
    const dispatch = createDispatcher(
      service({
        listChains: async () => {
          throw new TypeError('cannot read properties of undefined (reading "x")');
        },
      }),
      options,
    );
    const result = await dispatch('listChains', undefined);
    expect(result).toEqual({
      ok: false,
      error: { code: 'UNEXPECTED', message: 'unexpected error, see log file /var/log/catena/server.log' },
    });
    expect(logged.at(-1)).toContain('method listChains');
  });

  it('a service that failed to open answers every call with its error', async () => {
    const failed = Promise.reject(new OperatorError('cannot connect'));
    failed.catch(() => {});
    const dispatch = createDispatcher(failed, options);
    const result = await dispatch('info', undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe('cannot connect');
  });
});
