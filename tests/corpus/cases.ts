/**
 * The bad-input corpus: every case a real monitoring database has shown (or
 * the fault probe found), as data plus the outcome an operator must get — a
 * chain error in these words, a warning with its count, or flagged rows.
 * One line of setup each; `corpus.test.ts` runs them all on MariaDB and SQLite.
 */
import type { NodeRow, StationRow, ThresholdRow } from '../../src/core/domain/configuration.ts';
import { FLAG_INVALID } from '../../src/core/domain/flags.ts';

export type Outcome =
  | { status: 'failed'; errorCode: string; message: RegExp }
  | { status: 'succeeded'; warning: RegExp; ignoredRawRows: number }
  | { status: 'succeeded'; flagged: { mask: number; rows: number } };

/** A reading to add: timestamp index (or an absolute epoch time), node, rawX, and optional errorCode. */
export interface ExtraReading {
  at: number | { epoch: number };
  node: number;
  rawX: number;
  errorCode?: number;
  /** replaces the seeded reading at (at, node) instead of adding one */
  replace?: true;
}

export interface CorpusCase {
  name: string;
  station?: Partial<StationRow>;
  /** patches per nodeIndex (nodes 1, 2, 3 exist) */
  nodes?: Record<number, Partial<NodeRow>>;
  /** node rows added as they are (a legacy table without a primary key allows duplicates) */
  extraNodes?: Partial<NodeRow>[];
  thresholds?: Omit<ThresholdRow, 'id' | 'controlUnitCode' | 'chain'>[];
  readings?: ExtraReading[];
  /** the chain is not in active_stations */
  noStation?: true;
  /** raw SQL run after the set-up; `?` is the chain's name */
  sql?: string;
  /** a case only one database can hold (MySQL rounds 2.5 into an INT column; SQLite keeps text in a REAL one) */
  only?: 'sqlite' | 'mysql';
  expect: Outcome;
}

const DAY = 86_400;
/** T0 of the fixture (2026-10-01) + 100 timestamps of 10 min: after every reading. */
const AFTER_ALL_DATA = Date.UTC(2026, 9, 1) / 1000 + 100 * 600;

const config = (column: string, words: RegExp): Outcome => ({
  status: 'failed',
  errorCode: 'CHAIN_CONFIG',
  message: new RegExp(`${column}${words.source}`),
});

export const CASES: CorpusCase[] = [
  // §2 configuration: refused before anything is written, naming the column
  {
    name: 'null gain',
    nodes: { 2: { gainX: null } },
    expect: config('node 2: gainX', / is null in rsn_nodes/),
  },
  {
    name: 'fixedEnd neither bottom nor top',
    station: { fixedEnd: 'middle' },
    expect: config("fixedEnd is 'middle'", /.*'bottom' or 'top'/),
  },
  {
    name: 'fractional despike window',
    only: 'sqlite',
    station: { despikeWindow: 2.5 },
    expect: config('despikeWindow is 2.5', /.*whole number/),
  },
  {
    name: 'negative reference window',
    station: { referenceWindowHours: -5 },
    expect: config('referenceWindowHours is -5', /.*greater than 0/),
  },
  {
    name: 'negative despike sigma factor',
    station: { despikeNSigma: -3 },
    expect: config('despikeNSigma is -3', /.*greater than 0/),
  },
  {
    name: 'negative hold',
    station: { holdLastValidHours: -1 },
    expect: config('holdLastValidHours is -1', /.*0 or more/),
  },
  {
    name: 'negative on-delay',
    station: { alarmOnDelayHours: -1 },
    expect: config('alarmOnDelayHours is -1', /.*cannot be negative/),
  },
  {
    name: 'negative off-delay',
    station: { alarmOffDelayHours: -0.5 },
    expect: config('alarmOffDelayHours is -0.5', /.*cannot be negative/),
  },
  {
    name: 'text in a numeric column',
    only: 'sqlite',
    sql: "UPDATE active_stations SET velocityWindowHours = 'abc' WHERE chain = ?",
    expect: {
      status: 'failed',
      errorCode: 'DATA_INVALID',
      message: /active_stations has a value in column velocityWindowHours that Catena cannot read/,
    },
  },
  {
    name: 'reference time after all data',
    station: { referenceTime: AFTER_ALL_DATA },
    expect: config('referenceTime 2026-10-01T16:40:00Z', /.*after the chain's last reading/),
  },
  {
    name: 'no enabled node',
    nodes: { 1: { enabled: 0 }, 2: { enabled: 0 }, 3: { enabled: 0 } },
    expect: config('has no enabled node', / in rsn_nodes/),
  },
  {
    name: 'unknown threshold metric',
    thresholds: [{ nodeIndex: null, metric: 'tilt' as ThresholdRow['metric'], level: 1, value: 1 }],
    expect: config('', /metric 'tilt'/),
  },
  {
    name: 'threshold level outside 1–3',
    thresholds: [{ nodeIndex: null, metric: 'tilt_deg', level: 7, value: 1 }],
    expect: config('', /level 7/),
  },
  {
    name: 'node listed twice (legacy table without a primary key)',
    extraNodes: [{ nodeIndex: 2, offsetX: 9 }],
    expect: config('node 2 \\(2 rows\\) appears more than once', / in rsn_nodes/),
  },
  {
    name: 'chain not in active_stations',
    noStation: true,
    expect: { status: 'failed', errorCode: 'CHAIN_NOT_FOUND', message: /is not in active_stations/ },
  },
  // a disabled node is not validated
  {
    name: 'disabled node with a null calibration',
    nodes: { 3: { enabled: 0, gainX: null } },
    expect: { status: 'succeeded', flagged: { mask: FLAG_INVALID, rows: 0 } },
  },
  // rows: ignored with a warning and their count
  {
    name: 'a reading dated 2099',
    readings: [{ at: { epoch: Date.UTC(2099, 0, 1) / 1000 }, node: 1, rawX: 100 }],
    expect: {
      status: 'succeeded',
      warning: /1 raw rows of chain .* are dated before 1990-01-01T00:00:00Z or after .*ignored/,
      ignoredRawRows: 1,
    },
  },
  {
    name: 'a reading dated tomorrow + 2 days',
    readings: [{ at: { epoch: Math.floor(Date.now() / 1000) + 3 * DAY }, node: 2, rawX: 100 }],
    expect: { status: 'succeeded', warning: /1 raw rows of chain .* are dated/, ignoredRawRows: 1 },
  },
  {
    name: 'a reading dated 1000-01-01',
    readings: [{ at: { epoch: Date.UTC(1000, 0, 1) / 1000 }, node: 1, rawX: 100 }],
    expect: {
      status: 'succeeded',
      warning: /1 raw rows of chain .* are dated before 1990/,
      ignoredRawRows: 1,
    },
  },
  {
    name: 'readings of a node not in rsn_nodes',
    readings: [
      { at: 3, node: 9, rawX: 100 },
      { at: 4, node: 9, rawX: 100 },
    ],
    expect: {
      status: 'succeeded',
      warning: /2 raw rows of chain .* belong to nodes that are not in rsn_nodes/,
      ignoredRawRows: 2,
    },
  },
  {
    name: 'a reading repeated (legacy table without a primary key)',
    readings: [
      { at: 5, node: 1, rawX: 123 },
      { at: 6, node: 2, rawX: 99, errorCode: 4 },
    ],
    expect: {
      status: 'succeeded',
      warning: /2 raw rows of chain .* repeat a reading of the same node and timestamp/,
      ignoredRawRows: 2,
    },
  },
  // rows: flagged INVALID (ELABORATION.md §3.1)
  {
    name: 'an error code from the control unit',
    readings: [{ at: 7, node: 1, rawX: 0, errorCode: 3, replace: true }],
    expect: { status: 'succeeded', flagged: { mask: FLAG_INVALID, rows: 1 } },
  },
  {
    name: 'counts beyond full scale',
    readings: [{ at: 8, node: 2, rawX: 40_000, replace: true }],
    expect: { status: 'succeeded', flagged: { mask: FLAG_INVALID, rows: 1 } },
  },
];
