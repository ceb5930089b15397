/**
 * The tables of DATA_MODEL.md, described once for both dialects. The DDL of
 * each dialect (mysql/ddl.ts, sqlite/ddl.ts) is generated from these specs, so
 * the two databases cannot drift apart.
 *
 * Nullability: keys are NOT NULL. The other columns are nullable unless the
 * port promises a value (thresholds' metric/level/value, elaborated `flags`,
 * events' level/previousLevel/createdAt, run bookkeeping): the inputs are
 * stored "as the control units' import wrote them", and a null calibration is
 * reported by the elaboration's configuration check (ELABORATION.md §2), not
 * refused by the database. A column with a default keeps it (a null there
 * means "take the default", as in ELABORATION.md §2).
 */

export type ColumnType =
  | { kind: 'varchar'; length: number }
  | { kind: 'text' }
  | { kind: 'datetime' }
  | { kind: 'double' }
  | { kind: 'int' }
  | { kind: 'bigint' }
  | { kind: 'bool' };

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  notNull: boolean;
  /** SQL literal valid in both dialects (a number or a single-quoted string) */
  default?: string;
  /** the auto-increment primary key (MySQL AUTO_INCREMENT, SQLite INTEGER PRIMARY KEY AUTOINCREMENT) */
  autoIncrement?: boolean;
}

export interface IndexSpec {
  name: string;
  columns: string[];
}

/** `input`: written by the control units' import; Catena only adds missing columns. */
export type TableRole = 'input' | 'output' | 'bookkeeping';

export interface TableSpec {
  name: string;
  role: TableRole;
  columns: ColumnSpec[];
  /** empty when the auto-increment column is the key */
  primaryKey: string[];
  indexes: IndexSpec[];
}

const varchar = (length: number): ColumnType => ({ kind: 'varchar', length });
const DATETIME: ColumnType = { kind: 'datetime' };
const DOUBLE: ColumnType = { kind: 'double' };
const INT: ColumnType = { kind: 'int' };
const BIGINT: ColumnType = { kind: 'bigint' };
const BOOL: ColumnType = { kind: 'bool' };
const TEXT: ColumnType = { kind: 'text' };

function key(name: string, type: ColumnType): ColumnSpec {
  return { name, type, notNull: true };
}
function col(name: string, type: ColumnType, defaultValue?: string): ColumnSpec {
  return defaultValue === undefined
    ? { name, type, notNull: false }
    : { name, type, notNull: false, default: defaultValue };
}
function required(name: string, type: ColumnType, defaultValue?: string): ColumnSpec {
  return defaultValue === undefined
    ? { name, type, notNull: true }
    : { name, type, notNull: true, default: defaultValue };
}

const chainKey = [key('controlUnitCode', varchar(32)), key('chain', varchar(16))];

export const ACTIVE_STATIONS: TableSpec = {
  name: 'active_stations',
  role: 'input',
  columns: [
    ...chainKey,
    col('siteName', varchar(128)),
    col('active', BOOL, '1'),
    col('fixedEnd', varchar(6), "'bottom'"),
    col('referenceTime', DATETIME),
    col('referenceWindowHours', DOUBLE, '24'),
    col('despikeWindow', INT, '7'),
    col('despikeNSigma', DOUBLE, '3'),
    col('despikeMinSigmaDeg', DOUBLE, '0.01'),
    col('despikeLookbackHours', DOUBLE, '48'),
    col('holdLastValidHours', DOUBLE, '2'),
    col('velocityWindowHours', DOUBLE, '24'),
    // v2 (DATA_MODEL.md): optional in a legacy database, added by migration 004
    col('alarmOnDelayHours', DOUBLE, '0'),
    col('alarmOffDelayHours', DOUBLE, '0'),
    col('staleAfterHours', DOUBLE),
    // the azimuth of the chain's A axis, degrees clockwise from X (display only: profiles rotated to A/B), migration 008
    col('azimuthDeg', DOUBLE),
    // migration 009: the site's IANA time zone (Europe/Rome), for showing times in the site's local time
    col('timeZone', varchar(64)),
  ],
  primaryKey: ['controlUnitCode', 'chain'],
  indexes: [],
};

export const RSN_NODES: TableSpec = {
  name: 'rsn_nodes',
  role: 'input',
  columns: [
    ...chainKey,
    key('nodeIndex', INT),
    col('depthM', DOUBLE),
    col('lengthMm', DOUBLE, '1000'),
    col('offsetX', DOUBLE),
    col('gainX', DOUBLE),
    col('offsetY', DOUBLE),
    col('gainY', DOUBLE),
    col('offsetZ', DOUBLE),
    col('gainZ', DOUBLE),
    col('tempOffset', DOUBLE),
    col('tempGain', DOUBLE),
    col('tempCoeffX', DOUBLE, '0'),
    col('tempCoeffY', DOUBLE, '0'),
    col('tempRef', DOUBLE, '20'),
    col('fullScaleCounts', DOUBLE, '32767'),
    col('enabled', BOOL, '1'),
  ],
  primaryKey: ['controlUnitCode', 'chain', 'nodeIndex'],
  indexes: [],
};

export const RAW_RSN_DATA: TableSpec = {
  name: 'raw_rsn_data',
  role: 'input',
  columns: [
    ...chainKey,
    key('timestamp', DATETIME),
    key('nodeIndex', INT),
    col('rawX', DOUBLE),
    col('rawY', DOUBLE),
    col('rawZ', DOUBLE),
    col('rawT', DOUBLE),
    col('errorCode', INT),
  ],
  primaryKey: ['controlUnitCode', 'chain', 'timestamp', 'nodeIndex'],
  indexes: [],
};

export const RSN_THRESHOLDS: TableSpec = {
  name: 'rsn_thresholds',
  role: 'input',
  columns: [
    { name: 'id', type: INT, notNull: true, autoIncrement: true },
    ...chainKey,
    col('nodeIndex', INT),
    required('metric', varchar(32)),
    required('level', INT),
    required('value', DOUBLE),
  ],
  primaryKey: [],
  indexes: [{ name: 'rsn_thresholds_chain', columns: ['controlUnitCode', 'chain'] }],
};

export const ELABORATED_RSN_DATA: TableSpec = {
  name: 'elaborated_rsn_data',
  role: 'output',
  columns: [
    ...chainKey,
    key('timestamp', DATETIME),
    key('nodeIndex', INT),
    col('alphaX', DOUBLE),
    col('alphaY', DOUBLE),
    col('temperature', DOUBLE),
    col('dispX', DOUBLE),
    col('dispY', DOUBLE),
    col('cumX', DOUBLE),
    col('cumY', DOUBLE),
    col('cumR', DOUBLE),
    col('velR', DOUBLE),
    required('flags', INT, '0'),
    col('runId', BIGINT),
  ],
  primaryKey: ['controlUnitCode', 'chain', 'timestamp', 'nodeIndex'],
  indexes: [],
};

export const RSN_ALARM_EVENTS: TableSpec = {
  name: 'rsn_alarm_events',
  role: 'output',
  columns: [
    ...chainKey,
    key('metric', varchar(32)),
    key('timestamp', DATETIME),
    required('level', INT),
    required('previousLevel', INT, '0'),
    col('nodeIndex', INT),
    col('value', DOUBLE),
    col('runId', BIGINT),
    required('createdAt', DATETIME),
    col('notifiedAt', DATETIME),
    // v2: the operator's acknowledgement, kept across re-elaboration
    col('acknowledgedAt', DATETIME),
    col('acknowledgedBy', varchar(128)),
    col('ackNote', TEXT),
  ],
  primaryKey: ['controlUnitCode', 'chain', 'metric', 'timestamp'],
  indexes: [
    // a chain's events by time (writeChunk's span, listEvents of one chain)
    { name: 'rsn_alarm_events_chain_time', columns: ['controlUnitCode', 'chain', 'timestamp'] },
    // every chain's events by time (listEvents without a chain)
    { name: 'rsn_alarm_events_time', columns: ['timestamp'] },
  ],
};

const count = (name: string): ColumnSpec => required(name, BIGINT, '0');

export const CATENA_RUNS: TableSpec = {
  name: 'catena_runs',
  role: 'bookkeeping',
  columns: [
    { name: 'runId', type: BIGINT, notNull: true, autoIncrement: true },
    required('launchId', varchar(64)),
    key('controlUnitCode', varchar(32)),
    key('chain', varchar(16)),
    required('mode', varchar(16)),
    col('spanFrom', DATETIME),
    col('spanTo', DATETIME),
    required('host', varchar(255)),
    required('status', varchar(16)),
    required('startedAt', DATETIME),
    col('endedAt', DATETIME),
    col('phase', varchar(32)),
    col('message', TEXT),
    col('errorCode', varchar(64)),
    count('rowsRead'),
    count('rowsWritten'),
    count('timestamps'),
    count('invalidRows'),
    count('spikeRows'),
    count('heldRows'),
    count('ignoredRawRows'),
    count('eventsCreated'),
    // 005: a running run's heartbeat (the database's clock), its configuration and how far it committed
    col('heartbeatAt', DATETIME),
    col('configFingerprint', varchar(64)),
    col('committedTo', DATETIME),
    // 005: the interrupted full or range run this one finished (its first run, when it was resumed before)
    col('resumesRunId', BIGINT),
  ],
  primaryKey: [],
  indexes: [
    { name: 'catena_runs_chain', columns: ['controlUnitCode', 'chain', 'runId'] },
    { name: 'catena_runs_launch', columns: ['launchId'] },
    { name: 'catena_runs_status', columns: ['status'] },
  ],
};

/**
 * One row per chain being elaborated: the chain lock, with a lease on the
 * database's clock (epoch seconds), so it holds across processes and
 * workstations on every database, and a holder that dies loses it.
 */
export const CATENA_CHAIN_LOCKS: TableSpec = {
  name: 'catena_chain_locks',
  role: 'bookkeeping',
  columns: [
    ...chainKey,
    required('token', varchar(64)),
    col('runId', BIGINT),
    required('host', varchar(255)),
    required('acquiredAt', BIGINT),
    required('expiresAt', BIGINT),
    required('beats', BIGINT, '0'),
  ],
  primaryKey: ['controlUnitCode', 'chain'],
  indexes: [],
};

/**
 * Notification rules (006), shared by every workstation and the service: a
 * null chain or metric means "all"; an event matches when
 * max(level, previousLevel) >= minLevel.
 */
export const CATENA_NOTIFY_RULES: TableSpec = {
  name: 'catena_notify_rules',
  role: 'bookkeeping',
  columns: [
    { name: 'id', type: BIGINT, notNull: true, autoIncrement: true },
    col('controlUnitCode', varchar(32)),
    col('chain', varchar(16)),
    required('minLevel', INT, '1'),
    col('metric', varchar(32)),
    required('channel', varchar(16)),
    required('target', varchar(512)),
    required('createdAt', DATETIME),
  ],
  primaryKey: [],
  indexes: [],
};

/**
 * The delivery log (006): one row per (event, level, rule), inserted to claim
 * the delivery before it is sent, so it is sent once across processes. A
 * claim whose holder died (`status` still 'claimed' after its lease) is taken
 * over by the next process; the event's values are kept so it can be sent
 * again without reading the event.
 */
export const CATENA_NOTIFY_DELIVERIES: TableSpec = {
  name: 'catena_notify_deliveries',
  role: 'bookkeeping',
  columns: [
    ...chainKey,
    key('metric', varchar(32)),
    key('timestamp', DATETIME),
    key('level', INT),
    key('ruleId', BIGINT),
    required('previousLevel', INT, '0'),
    col('nodeIndex', INT),
    col('value', DOUBLE),
    required('channel', varchar(16)),
    required('target', varchar(512)),
    required('attempts', INT, '0'),
    required('status', varchar(16)),
    col('lastError', TEXT),
    required('claimToken', varchar(64)),
    required('claimedAt', DATETIME),
    col('sentAt', DATETIME),
  ],
  primaryKey: ['controlUnitCode', 'chain', 'metric', 'timestamp', 'level', 'ruleId'],
  indexes: [{ name: 'catena_notify_deliveries_status', columns: ['status'] }],
};

/**
 * Stale-data episodes (007): one row per chain and silence, keyed by the
 * newest raw row when the chain went stale (`since`), which every process
 * computes alike; inserted when the silence is seen, ended (`endedAt`) when
 * data is back. The notifications of an episode's start (level 1) and end
 * (level 0) are deliveries of metric `stale` at `since`, claimed once.
 */
export const CATENA_STALE_EPISODES: TableSpec = {
  name: 'catena_stale_episodes',
  role: 'bookkeeping',
  columns: [
    ...chainKey,
    key('since', DATETIME),
    col('staleAfterHours', DOUBLE),
    required('detectedAt', DATETIME),
    col('endedAt', DATETIME),
    col('dataBackAt', DATETIME),
  ],
  primaryKey: ['controlUnitCode', 'chain', 'since'],
  indexes: [],
};

/**
 * The passes of `catena snapshot` into a snapshot file: where and when it was
 * taken. Not a migration: only the snapshot command creates it, in its target
 * (a database that has it is an offline snapshot, opened read-only).
 */
export const CATENA_SNAPSHOT_PASSES: TableSpec = {
  name: 'catena_snapshot_passes',
  role: 'bookkeeping',
  columns: [
    { name: 'passId', type: BIGINT, notNull: true, autoIncrement: true },
    required('source', varchar(512)),
    required('takenAt', DATETIME),
    required('chains', TEXT),
    required('status', varchar(16)),
    required('startedAt', DATETIME),
    col('endedAt', DATETIME),
    col('message', TEXT),
  ],
  primaryKey: [],
  indexes: [],
};

/**
 * Each chain's datum in the source (ELABORATION.md §3.9) when it was last
 * snapshotted. The datum is the station's referenceTime or the chain's first
 * plausible raw reading; a snapshot holds no raw rows, or only those of its
 * span, so it cannot find the datum again and keeps the source's. Created
 * with catena_snapshot_passes.
 */
export const CATENA_SNAPSHOT_DATUMS: TableSpec = {
  name: 'catena_snapshot_datums',
  role: 'bookkeeping',
  columns: [...chainKey, col('datum', DATETIME)],
  primaryKey: ['controlUnitCode', 'chain'],
  indexes: [],
};

/** Created by the migration runner itself, before any versioned migration. */
export const SCHEMA_MIGRATIONS: TableSpec = {
  name: 'catena_schema_migrations',
  role: 'bookkeeping',
  columns: [key('version', INT), required('name', varchar(128)), required('appliedAt', DATETIME)],
  primaryKey: ['version'],
  indexes: [],
};

export const INPUT_TABLES: readonly TableSpec[] = [ACTIVE_STATIONS, RSN_NODES, RAW_RSN_DATA, RSN_THRESHOLDS];
export const CATENA_TABLES: readonly TableSpec[] = [
  ELABORATED_RSN_DATA,
  RSN_ALARM_EVENTS,
  CATENA_RUNS,
  CATENA_CHAIN_LOCKS,
  CATENA_NOTIFY_RULES,
  CATENA_NOTIFY_DELIVERIES,
  CATENA_STALE_EPISODES,
];

/** A column that can be added to an existing table without rewriting its rows' meaning. */
export function isAddable(column: ColumnSpec): boolean {
  return !column.autoIncrement && (!column.notNull || column.default !== undefined);
}

/** The DDL of one dialect. */
export interface Ddl {
  createTable(table: TableSpec): string[];
  addColumn(table: TableSpec, column: ColumnSpec): string;
  createIndex(table: TableSpec, index: IndexSpec): string;
}
