import { describe, expect, it } from 'vitest';
import type { NodeRow, StationRow } from '../domain/configuration.ts';
import { CatenaError } from '../errors.ts';
import { buildChainModel, contextSeconds, referenceLoadSpan } from './config.ts';
import { modelOf, nodeRow, setupOf, type ThresholdSpec } from './test-support.ts';

/** The CatenaError thrown by building the model, or a failure. */
function configError(
  station: Partial<StationRow>,
  nodes: NodeRow[],
  thresholds: ThresholdSpec[] = [],
): CatenaError {
  try {
    buildChainModel(setupOf(station, nodes, thresholds));
  } catch (error) {
    if (error instanceof CatenaError) return error;
    throw error;
  }
  throw new Error('expected a CHAIN_CONFIG error');
}

describe('§2 defaults: a null takes the default', () => {
  it('chain parameters', () => {
    expect(modelOf().params).toEqual({
      fixedEnd: 'bottom',
      referenceTime: null,
      referenceWindowHours: 24,
      despikeWindow: 7,
      despikeNSigma: 3,
      despikeMinSigmaDeg: 0.01,
      despikeLookbackHours: 48,
      holdLastValidHours: 2,
      velocityWindowHours: 24,
      alarmOnDelayHours: 0,
      alarmOffDelayHours: 0,
    });
  });

  it('node parameters (offsetZ and gainZ stay null: a 2-axis node)', () => {
    const node = modelOf({}, [nodeRow(1, { depthM: 2.5 })]).nodes[0];
    expect(node).toEqual({
      nodeIndex: 1,
      depthM: 2.5,
      lengthMm: 1000,
      offsetX: 0,
      gainX: 1 / 1024,
      offsetY: 0,
      gainY: 1 / 1024,
      offsetZ: null,
      gainZ: null,
      tempOffset: 0,
      tempGain: 1,
      tempCoeffX: 0,
      tempCoeffY: 0,
      tempRef: 20,
      fullScaleCounts: 32767,
    });
  });

  it('a stored 0 is a value, not a null (a `|| default` would replace it)', () => {
    const model = modelOf({ holdLastValidHours: 0, despikeMinSigmaDeg: 0, referenceTime: 0 }, [
      nodeRow(1, { tempRef: 0, tempCoeffX: 0.5 }),
    ]);
    expect(model.params.holdLastValidHours).toBe(0);
    expect(model.params.despikeMinSigmaDeg).toBe(0);
    expect(model.params.referenceTime).toBe(0);
    expect(model.nodes[0]?.tempRef).toBe(0);
    expect(model.nodes[0]?.tempCoeffX).toBe(0.5);
  });

  it('stored values are kept as they are', () => {
    const params = modelOf({
      fixedEnd: 'top',
      referenceTime: 1_700_000_000,
      referenceWindowHours: 12,
      despikeWindow: 5,
      despikeNSigma: 2.5,
      despikeMinSigmaDeg: 0.02,
      despikeLookbackHours: 6,
      holdLastValidHours: 1,
      velocityWindowHours: 48,
      alarmOnDelayHours: 0.5,
      alarmOffDelayHours: 6,
    }).params;
    expect(params).toEqual({
      fixedEnd: 'top',
      referenceTime: 1_700_000_000,
      referenceWindowHours: 12,
      despikeWindow: 5,
      despikeNSigma: 2.5,
      despikeMinSigmaDeg: 0.02,
      despikeLookbackHours: 6,
      holdLastValidHours: 1,
      velocityWindowHours: 48,
      alarmOnDelayHours: 0.5,
      alarmOffDelayHours: 6,
    });
  });
});

describe('§1 enabled nodes', () => {
  it('enabled = 0 is out, null and any other value are in; nodes come sorted by nodeIndex', () => {
    const model = modelOf({}, [
      nodeRow(3, { enabled: null }),
      nodeRow(1, { enabled: 1 }),
      nodeRow(2, { enabled: 0 }),
      nodeRow(5, { enabled: 2 }),
    ]);
    expect(model.nodes.map((n) => n.nodeIndex)).toEqual([1, 3, 5]);
  });

  it('a disabled node is not validated (its null calibration does not fail the chain)', () => {
    const model = modelOf({}, [nodeRow(1), nodeRow(2, { enabled: 0, gainX: null, depthM: null })]);
    expect(model.nodes).toHaveLength(1);
  });
});

describe('§2 thresholds', () => {
  it('are kept with their node, metric, level and value', () => {
    const model = modelOf({}, 2, [
      { metric: 'cumulative_mm', level: 1, value: 5 },
      { metric: 'tilt_deg', level: 3, value: 0.5, nodeIndex: 2 },
    ]);
    expect(model.thresholds).toEqual([
      { nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 5 },
      { nodeIndex: 2, metric: 'tilt_deg', level: 3, value: 0.5 },
    ]);
  });
});

describe('§2 a chain fails before writing anything, naming chain, node and column', () => {
  const requiredColumns = [
    'depthM',
    'offsetX',
    'gainX',
    'offsetY',
    'gainY',
    'tempOffset',
    'tempGain',
  ] as const;

  it.each(requiredColumns)('an enabled node with a null %s', (column) => {
    const error = configError({}, [nodeRow(1), nodeRow(7, { [column]: null })]);
    expect(error.code).toBe('CHAIN_CONFIG');
    expect(error.subject).toEqual({
      controlUnitCode: 'CU001',
      chain: 'A',
      nodeIndex: 7,
      column,
      table: 'rsn_nodes',
    });
    expect(error.message).toMatch(
      new RegExp(`^chain CU001-A, node 7: ${column} is null in rsn_nodes; enter `),
    );
  });

  it('the message for a null gain is the operator sentence of §6', () => {
    const error = configError({}, [nodeRow(7, { gainX: null })]);
    expect(error.message).toBe(
      "chain CU001-A, node 7: gainX is null in rsn_nodes; enter the calibration sheet's value",
    );
  });

  it.each(['gainX', 'gainY'] as const)('%s is 0', (column) => {
    const error = configError({}, [nodeRow(7, { [column]: 0 })]);
    expect(error.subject).toMatchObject({ nodeIndex: 7, column, table: 'rsn_nodes' });
    expect(error.message).toContain(`chain CU001-A, node 7: ${column} is 0`);
  });

  it.each([0, -250])('lengthMm is not positive (%d)', (lengthMm) => {
    const error = configError({}, [nodeRow(4, { lengthMm })]);
    expect(error.subject).toMatchObject({ nodeIndex: 4, column: 'lengthMm' });
    expect(error.message).toContain(`chain CU001-A, node 4: lengthMm is ${lengthMm}`);
  });

  it('no enabled node', () => {
    const error = configError({}, [nodeRow(1, { enabled: 0 })]);
    expect(error.subject).toEqual({
      controlUnitCode: 'CU001',
      chain: 'A',
      column: 'enabled',
      table: 'rsn_nodes',
    });
    expect(error.message).toContain('chain CU001-A has no enabled node');
  });

  it('no node at all', () => {
    expect(configError({}, []).subject.column).toBe('enabled');
  });

  it.each(['middle', 'BOTTOM', ''])("fixedEnd is neither 'bottom' nor 'top' (%j)", (fixedEnd) => {
    const error = configError({ fixedEnd }, [nodeRow(1)]);
    expect(error.subject).toEqual({
      controlUnitCode: 'CU001',
      chain: 'A',
      column: 'fixedEnd',
      table: 'active_stations',
    });
    expect(error.message).toContain(`chain CU001-A: fixedEnd is '${fixedEnd}'`);
  });

  it.each([7.5, 0.1])('despikeWindow is not a whole number (%d)', (despikeWindow) => {
    const error = configError({ despikeWindow }, [nodeRow(1)]);
    expect(error.subject).toMatchObject({ column: 'despikeWindow', table: 'active_stations' });
    expect(error.message).toContain(`chain CU001-A: despikeWindow is ${despikeWindow}`);
  });

  it('despikeWindow 0 or 1 is whole: allowed (every sample is kept, §3.7)', () => {
    expect(modelOf({ despikeWindow: 1 }).params.despikeWindow).toBe(1);
    expect(modelOf({ despikeWindow: 0 }).params.despikeWindow).toBe(0);
  });

  it.each(['velocity', 'cumR', ''])('a threshold metric outside §4 (%j)', (metric) => {
    const error = configError({}, [nodeRow(1)], [{ metric, level: 1, value: 5, nodeIndex: 3 }]);
    expect(error.subject).toMatchObject({ nodeIndex: 3, column: 'metric', table: 'rsn_thresholds' });
    expect(error.message).toContain(
      `chain CU001-A: threshold 1 for node 3 in rsn_thresholds has metric '${metric}'`,
    );
  });

  it.each([0, 4, 1.5, -1])('a threshold level outside 1..3 (%d)', (level) => {
    const error = configError({}, [nodeRow(1)], [{ metric: 'tilt_deg', level, value: 5 }]);
    expect(error.subject).toEqual({
      controlUnitCode: 'CU001',
      chain: 'A',
      column: 'level',
      table: 'rsn_thresholds',
    });
    expect(error.message).toContain(`chain CU001-A: threshold 1 in rsn_thresholds has level ${level}`);
  });

  it.each([
    ['offsetZ', Number.POSITIVE_INFINITY],
    ['tempCoeffX', Number.NaN],
    ['fullScaleCounts', Number.POSITIVE_INFINITY],
    ['gainY', Number.NEGATIVE_INFINITY],
  ] as const)('a non-finite node number (%s = %d)', (column, value) => {
    const error = configError({}, [nodeRow(2, { [column]: value })]);
    expect(error.subject).toMatchObject({ nodeIndex: 2, column });
    expect(error.message).toContain(`chain CU001-A, node 2: ${column} is ${value}`);
  });

  it.each([
    ['velocityWindowHours', Number.POSITIVE_INFINITY],
    ['despikeNSigma', Number.NaN],
    ['referenceTime', Number.NaN],
  ] as const)('a non-finite chain number (%s = %d)', (column, value) => {
    const error = configError({ [column]: value }, [nodeRow(1)]);
    expect(error.subject).toMatchObject({ column, table: 'active_stations' });
    expect(error.message).toContain(`chain CU001-A: ${column} is`);
  });

  it.each([
    ['alarmOnDelayHours', -1],
    ['alarmOffDelayHours', -0.25],
  ] as const)(
    'a negative alarm delay (%s = %d) fails the chain, naming the column (§2 v2)',
    (column, value) => {
      const error = configError({ [column]: value }, [nodeRow(1)]);
      expect(error.code).toBe('CHAIN_CONFIG');
      expect(error.subject).toMatchObject({ column, table: 'active_stations' });
      expect(error.message).toContain(`chain CU001-A: ${column} is ${value} in active_stations`);
    },
  );

  it('a delay of 0 is allowed; a non-finite delay is refused like any chain number', () => {
    expect(
      modelOf({ alarmOnDelayHours: 0, alarmOffDelayHours: 0 }, [nodeRow(1)]).params.alarmOnDelayHours,
    ).toBe(0);
    expect(configError({ alarmOffDelayHours: Number.POSITIVE_INFINITY }, [nodeRow(1)]).subject.column).toBe(
      'alarmOffDelayHours',
    );
  });

  it('a non-finite threshold value', () => {
    const error = configError({}, [nodeRow(1)], [{ metric: 'tilt_deg', level: 1, value: Number.NaN }]);
    expect(error.subject.column).toBe('value');
  });
});

describe('§5 context and reference spans', () => {
  it('context = (alarmOffDelayHours + alarmOnDelayHours + velocityWindowHours + holdLastValidHours + despikeLookbackHours) hours', () => {
    // v2: (1 + 0.5 + 3 + 0.5 + 1.5) h · 3600 = 23 400 s
    expect(
      contextSeconds(
        modelOf({
          alarmOffDelayHours: 1,
          alarmOnDelayHours: 0.5,
          velocityWindowHours: 3,
          holdLastValidHours: 0.5,
          despikeLookbackHours: 1.5,
        }).params,
      ),
    ).toBe(23_400);
    // defaults: (24 + 2 + 48) h · 3600 = 266 400 s
    expect(contextSeconds(modelOf().params)).toBe(266_400);
    // (3 + 0.5 + 1.5) h · 3600 = 18 000 s
    expect(
      contextSeconds(
        modelOf({ velocityWindowHours: 3, holdLastValidHours: 0.5, despikeLookbackHours: 1.5 }).params,
      ),
    ).toBe(18_000);
  });

  it('the reference span reaches back one despike look-back and forward one reference window', () => {
    // from = 1e6 − 48·3600 = 827 200; toExclusive = 1e6 + 6·3600 = 1 021 600
    expect(referenceLoadSpan(modelOf({ referenceWindowHours: 6 }).params, 1_000_000)).toEqual({
      from: 827_200,
      toExclusive: 1_021_600,
    });
  });
});
