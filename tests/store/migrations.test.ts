/**
 * Migrations on both databases: the tables of DATA_MODEL.md exactly (columns,
 * types, defaults, keys), created on an empty database; on a database where
 * "another program" already created and filled the input tables, only the
 * missing tables and the missing optional columns are added and no row
 * changes; running again is a no-op.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CatenaError } from '../../src/core/errors.ts';
import { openStore } from '../../src/core/store/open.ts';
import { T0 } from './fixtures.ts';
import { DIALECTS, type Opened, type RawSql, removeTmp } from './targets.ts';

afterAll(removeTmp);

const ALL = [
  '001_input_tables',
  '002_output_tables',
  '003_run_bookkeeping',
  '004_v2_columns',
  '005_run_leases',
  '006_notifications',
  '007_stale_episodes',
  '008_chain_azimuth',
  '009_site_time_zone',
];

/**
 * DATA_MODEL.md, written out by hand: `name type NULL|NOT NULL [DEFAULT x]` in
 * MySQL terms; SQLite maps VARCHAR/DATETIME/TEXT → TEXT, DOUBLE → REAL and
 * INT/BIGINT/TINYINT(1) → INTEGER.
 */
const EXPECTED: Record<string, { columns: string[]; primaryKey: string[] }> = {
  active_stations: {
    columns: [
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'siteName varchar(128) NULL',
      'active tinyint(1) NULL DEFAULT 1',
      "fixedEnd varchar(6) NULL DEFAULT 'bottom'",
      'referenceTime datetime NULL',
      'referenceWindowHours double NULL DEFAULT 24',
      'despikeWindow int NULL DEFAULT 7',
      'despikeNSigma double NULL DEFAULT 3',
      'despikeMinSigmaDeg double NULL DEFAULT 0.01',
      'despikeLookbackHours double NULL DEFAULT 48',
      'holdLastValidHours double NULL DEFAULT 2',
      'velocityWindowHours double NULL DEFAULT 24',
      'alarmOnDelayHours double NULL DEFAULT 0',
      'alarmOffDelayHours double NULL DEFAULT 0',
      'staleAfterHours double NULL',
      'azimuthDeg double NULL',
      'timeZone varchar(64) NULL',
    ],
    primaryKey: ['controlUnitCode', 'chain'],
  },
  rsn_nodes: {
    columns: [
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'nodeIndex int NOT NULL',
      'depthM double NULL',
      'lengthMm double NULL DEFAULT 1000',
      'offsetX double NULL',
      'gainX double NULL',
      'offsetY double NULL',
      'gainY double NULL',
      'offsetZ double NULL',
      'gainZ double NULL',
      'tempOffset double NULL',
      'tempGain double NULL',
      'tempCoeffX double NULL DEFAULT 0',
      'tempCoeffY double NULL DEFAULT 0',
      'tempRef double NULL DEFAULT 20',
      'fullScaleCounts double NULL DEFAULT 32767',
      'enabled tinyint(1) NULL DEFAULT 1',
    ],
    primaryKey: ['controlUnitCode', 'chain', 'nodeIndex'],
  },
  raw_rsn_data: {
    columns: [
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'timestamp datetime NOT NULL',
      'nodeIndex int NOT NULL',
      'rawX double NULL',
      'rawY double NULL',
      'rawZ double NULL',
      'rawT double NULL',
      'errorCode int NULL',
    ],
    primaryKey: ['controlUnitCode', 'chain', 'timestamp', 'nodeIndex'],
  },
  rsn_thresholds: {
    columns: [
      'id int NOT NULL',
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'nodeIndex int NULL',
      'metric varchar(32) NOT NULL',
      'level int NOT NULL',
      'value double NOT NULL',
    ],
    primaryKey: ['id'],
  },
  elaborated_rsn_data: {
    columns: [
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'timestamp datetime NOT NULL',
      'nodeIndex int NOT NULL',
      'alphaX double NULL',
      'alphaY double NULL',
      'temperature double NULL',
      'dispX double NULL',
      'dispY double NULL',
      'cumX double NULL',
      'cumY double NULL',
      'cumR double NULL',
      'velR double NULL',
      'flags int NOT NULL DEFAULT 0',
      'runId bigint NULL',
    ],
    primaryKey: ['controlUnitCode', 'chain', 'timestamp', 'nodeIndex'],
  },
  rsn_alarm_events: {
    columns: [
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'metric varchar(32) NOT NULL',
      'timestamp datetime NOT NULL',
      'level int NOT NULL',
      'previousLevel int NOT NULL DEFAULT 0',
      'nodeIndex int NULL',
      'value double NULL',
      'runId bigint NULL',
      'createdAt datetime NOT NULL',
      'notifiedAt datetime NULL',
      'acknowledgedAt datetime NULL',
      'acknowledgedBy varchar(128) NULL',
      'ackNote text NULL',
    ],
    primaryKey: ['controlUnitCode', 'chain', 'metric', 'timestamp'],
  },
  catena_runs: {
    columns: [
      'runId bigint NOT NULL',
      'launchId varchar(64) NOT NULL',
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'mode varchar(16) NOT NULL',
      'spanFrom datetime NULL',
      'spanTo datetime NULL',
      'host varchar(255) NOT NULL',
      'status varchar(16) NOT NULL',
      'startedAt datetime NOT NULL',
      'endedAt datetime NULL',
      'phase varchar(32) NULL',
      'message text NULL',
      'errorCode varchar(64) NULL',
      'rowsRead bigint NOT NULL DEFAULT 0',
      'rowsWritten bigint NOT NULL DEFAULT 0',
      'timestamps bigint NOT NULL DEFAULT 0',
      'invalidRows bigint NOT NULL DEFAULT 0',
      'spikeRows bigint NOT NULL DEFAULT 0',
      'heldRows bigint NOT NULL DEFAULT 0',
      'ignoredRawRows bigint NOT NULL DEFAULT 0',
      'eventsCreated bigint NOT NULL DEFAULT 0',
      'heartbeatAt datetime NULL',
      'configFingerprint varchar(64) NULL',
      'committedTo datetime NULL',
      'resumesRunId bigint NULL',
    ],
    primaryKey: ['runId'],
  },
  catena_chain_locks: {
    columns: [
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'token varchar(64) NOT NULL',
      'runId bigint NULL',
      'host varchar(255) NOT NULL',
      'acquiredAt bigint NOT NULL',
      'expiresAt bigint NOT NULL',
      'beats bigint NOT NULL DEFAULT 0',
    ],
    primaryKey: ['controlUnitCode', 'chain'],
  },
  catena_notify_rules: {
    columns: [
      'id bigint NOT NULL',
      'controlUnitCode varchar(32) NULL',
      'chain varchar(16) NULL',
      'minLevel int NOT NULL DEFAULT 1',
      'metric varchar(32) NULL',
      'channel varchar(16) NOT NULL',
      'target varchar(512) NOT NULL',
      'createdAt datetime NOT NULL',
    ],
    primaryKey: ['id'],
  },
  catena_notify_deliveries: {
    columns: [
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'metric varchar(32) NOT NULL',
      'timestamp datetime NOT NULL',
      'level int NOT NULL',
      'ruleId bigint NOT NULL',
      'previousLevel int NOT NULL DEFAULT 0',
      'nodeIndex int NULL',
      'value double NULL',
      'channel varchar(16) NOT NULL',
      'target varchar(512) NOT NULL',
      'attempts int NOT NULL DEFAULT 0',
      'status varchar(16) NOT NULL',
      'lastError text NULL',
      'claimToken varchar(64) NOT NULL',
      'claimedAt datetime NOT NULL',
      'sentAt datetime NULL',
    ],
    primaryKey: ['controlUnitCode', 'chain', 'metric', 'timestamp', 'level', 'ruleId'],
  },
  catena_stale_episodes: {
    columns: [
      'controlUnitCode varchar(32) NOT NULL',
      'chain varchar(16) NOT NULL',
      'since datetime NOT NULL',
      'staleAfterHours double NULL',
      'detectedAt datetime NOT NULL',
      'endedAt datetime NULL',
      'dataBackAt datetime NULL',
    ],
    primaryKey: ['controlUnitCode', 'chain', 'since'],
  },
  catena_schema_migrations: {
    columns: ['version int NOT NULL', 'name varchar(128) NOT NULL', 'appliedAt datetime NOT NULL'],
    primaryKey: ['version'],
  },
};

function sqliteType(mysqlType: string): string {
  if (/^(varchar|datetime|text)/.test(mysqlType)) return 'TEXT';
  if (mysqlType === 'double') return 'REAL';
  return 'INTEGER';
}

function expectedFor(dialect: 'mysql' | 'sqlite', table: string): string[] {
  return EXPECTED[table]!.columns.map((c) => {
    if (dialect === 'mysql') return c;
    const [name, type, ...rest] = c.split(' ');
    // SQLite's rowid alias is declared INTEGER PRIMARY KEY (NOT NULL implied, pragma shows 0)
    const tail =
      EXPECTED[table]!.primaryKey.length === 1 &&
      EXPECTED[table]!.primaryKey[0] === name &&
      table !== 'catena_schema_migrations'
        ? 'NULL'
        : rest.join(' ');
    return `${name} ${sqliteType(type!)} ${tail}`;
  });
}

/** Columns and primary key as the database reports them, in the EXPECTED notation. */
async function describeTable(sql: RawSql, dialect: 'mysql' | 'sqlite', table: string) {
  if (dialect === 'mysql') {
    const columns = await sql.rows(
      'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt ' +
        'FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [table],
    );
    const pk = await sql.rows(
      'SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() ' +
        "AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
      [table],
    );
    return {
      columns: columns.map((c) => {
        // display widths are not part of the type (MariaDB shows int(11), MySQL 8 int)
        const type = String(c.type).replace(/^(int|bigint)\(\d+\)/, '$1');
        const dflt = c.dflt === null || c.dflt === 'NULL' ? '' : ` DEFAULT ${String(c.dflt)}`;
        return `${c.name} ${type} ${c.nullable === 'YES' ? 'NULL' : 'NOT NULL'}${dflt}`;
      }),
      primaryKey: pk.map((r) => String(r.name)),
    };
  }
  const info = await sql.rows(
    'SELECT name, type, "notnull" AS nn, dflt_value AS dflt, pk FROM pragma_table_info(?)',
    [table],
  );
  return {
    columns: info.map((c) => {
      const dflt = c.dflt === null ? '' : ` DEFAULT ${String(c.dflt)}`;
      return `${c.name} ${c.type} ${Number(c.nn) ? 'NOT NULL' : 'NULL'}${dflt}`;
    }),
    primaryKey: info
      .filter((c) => Number(c.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk))
      .map((c) => String(c.name)),
  };
}

async function tableNames(sql: RawSql, dialect: 'mysql' | 'sqlite'): Promise<string[]> {
  const rows =
    dialect === 'mysql'
      ? await sql.rows(
          'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
        )
      : await sql.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  return rows.map((r) => String(r.name)).sort();
}

async function indexNames(sql: RawSql, dialect: 'mysql' | 'sqlite', table: string): Promise<string[]> {
  const rows =
    dialect === 'mysql'
      ? await sql.rows(
          'SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
          [table],
        )
      : await sql.rows("SELECT name FROM pragma_index_list(?) WHERE origin = 'c'", [table]);
  return rows
    .map((r) => String(r.name))
    .filter((n) => n !== 'PRIMARY')
    .sort();
}

/** The legacy tables "another program" created: older shapes, some columns missing, one extra. */
function legacyDdl(dialect: 'mysql' | 'sqlite'): string[] {
  const t = (mysqlType: string) => (dialect === 'mysql' ? mysqlType : sqliteType(mysqlType.toLowerCase()));
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=latin1' : '';
  return [
    `CREATE TABLE active_stations (controlUnitCode ${t('VARCHAR(32)')} NOT NULL, chain ${t('VARCHAR(16)')} NOT NULL,
      siteName ${t('VARCHAR(128)')}, active ${t('TINYINT(1)')} DEFAULT 1, fixedEnd ${t('VARCHAR(6)')} DEFAULT 'bottom',
      referenceTime ${t('DATETIME')}, referenceWindowHours ${t('DOUBLE')} DEFAULT 24, despikeWindow ${t('INT')} DEFAULT 7,
      despikeNSigma ${t('DOUBLE')} DEFAULT 3, despikeMinSigmaDeg ${t('DOUBLE')} DEFAULT 0.01,
      velocityWindowHours ${t('DOUBLE')} DEFAULT 24, legacyOperator ${t('VARCHAR(64)')},
      PRIMARY KEY (controlUnitCode, chain))${tail}`,
    `CREATE TABLE rsn_nodes (controlUnitCode ${t('VARCHAR(32)')} NOT NULL, chain ${t('VARCHAR(16)')} NOT NULL,
      nodeIndex ${t('INT')} NOT NULL, depthM ${t('DOUBLE')}, offsetX ${t('DOUBLE')}, gainX ${t('DOUBLE')},
      offsetY ${t('DOUBLE')}, gainY ${t('DOUBLE')}, offsetZ ${t('DOUBLE')}, gainZ ${t('DOUBLE')},
      tempOffset ${t('DOUBLE')}, tempGain ${t('DOUBLE')}, PRIMARY KEY (controlUnitCode, chain, nodeIndex))${tail}`,
    `CREATE TABLE raw_rsn_data (controlUnitCode ${t('VARCHAR(32)')} NOT NULL, chain ${t('VARCHAR(16)')} NOT NULL,
      timestamp ${t('DATETIME')} NOT NULL, nodeIndex ${t('INT')} NOT NULL, rawX ${t('DOUBLE')}, rawY ${t('DOUBLE')},
      rawT ${t('DOUBLE')}, PRIMARY KEY (controlUnitCode, chain, timestamp, nodeIndex))${tail}`,
    `CREATE TABLE rsn_thresholds (id ${dialect === 'mysql' ? 'INT NOT NULL AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY'},
      controlUnitCode ${t('VARCHAR(32)')} NOT NULL, chain ${t('VARCHAR(16)')} NOT NULL, nodeIndex ${t('INT')},
      metric ${t('VARCHAR(32)')} NOT NULL, level ${t('INT')} NOT NULL, value ${t('DOUBLE')} NOT NULL)${tail}`,
    // an old output table from the legacy processing, without flags and runId
    `CREATE TABLE elaborated_rsn_data (controlUnitCode ${t('VARCHAR(32)')} NOT NULL, chain ${t('VARCHAR(16)')} NOT NULL,
      timestamp ${t('DATETIME')} NOT NULL, nodeIndex ${t('INT')} NOT NULL, alphaX ${t('DOUBLE')}, alphaY ${t('DOUBLE')},
      temperature ${t('DOUBLE')}, dispX ${t('DOUBLE')}, dispY ${t('DOUBLE')}, cumX ${t('DOUBLE')}, cumY ${t('DOUBLE')},
      cumR ${t('DOUBLE')}, velR ${t('DOUBLE')}, PRIMARY KEY (controlUnitCode, chain, timestamp, nodeIndex))${tail}`,
  ];
}

const LEGACY_ROWS: [string, (string | number | null)[]][] = [
  [
    'INSERT INTO active_stations (controlUnitCode, chain, siteName, referenceTime, despikeWindow, legacyOperator) VALUES (?, ?, ?, ?, ?, ?)',
    ['CU100', 'A', 'Frana Alta', '2025-06-01 00:00:00', 9, 'mrossi'],
  ],
  [
    'INSERT INTO rsn_nodes (controlUnitCode, chain, nodeIndex, depthM, offsetX, gainX, offsetY, gainY, tempOffset, tempGain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ['CU100', 'A', 1, 1.5, 0.1, 0.0001, 0.2, 0.0002, 0, 0.01],
  ],
  [
    'INSERT INTO raw_rsn_data (controlUnitCode, chain, timestamp, nodeIndex, rawX, rawY, rawT) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ['CU100', 'A', '2025-06-01 00:10:00', 1, 1234.5, -321.25, 2150],
  ],
  [
    'INSERT INTO raw_rsn_data (controlUnitCode, chain, timestamp, nodeIndex, rawX, rawY, rawT) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ['CU100', 'A', '2025-06-01 00:20:00', 1, 1235.5, null, 2151],
  ],
  [
    'INSERT INTO rsn_thresholds (controlUnitCode, chain, nodeIndex, metric, level, value) VALUES (?, ?, ?, ?, ?, ?)',
    ['CU100', 'A', null, 'cumulative_mm', 2, 25],
  ],
  [
    'INSERT INTO elaborated_rsn_data (controlUnitCode, chain, timestamp, nodeIndex, alphaX, cumR) VALUES (?, ?, ?, ?, ?, ?)',
    ['CU100', 'A', '2025-06-01 00:10:00', 1, 0.125, 3.5],
  ],
];

/** Every row of the legacy tables, in their original columns, as text (to compare before/after). */
async function legacySnapshot(sql: RawSql): Promise<Record<string, string[]>> {
  const tables: Record<string, string> = {
    active_stations:
      'controlUnitCode, chain, siteName, active, fixedEnd, referenceTime, referenceWindowHours, despikeWindow, despikeNSigma, despikeMinSigmaDeg, velocityWindowHours, legacyOperator',
    rsn_nodes:
      'controlUnitCode, chain, nodeIndex, depthM, offsetX, gainX, offsetY, gainY, offsetZ, gainZ, tempOffset, tempGain',
    raw_rsn_data: 'controlUnitCode, chain, timestamp, nodeIndex, rawX, rawY, rawT',
    rsn_thresholds: 'id, controlUnitCode, chain, nodeIndex, metric, level, value',
    elaborated_rsn_data:
      'controlUnitCode, chain, timestamp, nodeIndex, alphaX, alphaY, temperature, dispX, dispY, cumX, cumY, cumR, velR',
  };
  const out: Record<string, string[]> = {};
  for (const [table, columns] of Object.entries(tables)) {
    out[table] = (await sql.rows(`SELECT ${columns} FROM ${table} ORDER BY 1, 2, 3, 4`)).map((r) =>
      JSON.stringify(r),
    );
  }
  return out;
}

for (const target of DIALECTS) {
  const dialect = target.dialect;
  describe.runIf(target.available)(`migrations on ${target.name}`, () => {
    let opened: Opened | null = null;
    afterEach(async () => {
      await opened?.drop();
      opened = null;
    });

    it('on an empty database: creates every table of DATA_MODEL.md exactly, then a second run is a no-op', async () => {
      opened = await target.create();
      const { store, sql } = opened;
      expect(await store.schemaStatus()).toEqual({
        missingInputTables: ['active_stations', 'rsn_nodes', 'raw_rsn_data', 'rsn_thresholds'],
        missingCatenaTables: [
          'elaborated_rsn_data',
          'rsn_alarm_events',
          'catena_runs',
          'catena_chain_locks',
          'catena_notify_rules',
          'catena_notify_deliveries',
          'catena_stale_episodes',
        ],
        pendingMigrations: ALL,
      });
      expect(await store.migrate()).toEqual(ALL);
      expect(await tableNames(sql, dialect)).toEqual(Object.keys(EXPECTED).sort());
      for (const table of Object.keys(EXPECTED)) {
        const actual = await describeTable(sql, dialect, table);
        expect(actual.columns, table).toEqual(expectedFor(dialect, table));
        expect(actual.primaryKey, table).toEqual(EXPECTED[table]!.primaryKey);
      }
      expect(await indexNames(sql, dialect, 'rsn_alarm_events')).toEqual([
        'rsn_alarm_events_chain_time',
        'rsn_alarm_events_time',
      ]);
      expect(await indexNames(sql, dialect, 'catena_runs')).toEqual([
        'catena_runs_chain',
        'catena_runs_launch',
        'catena_runs_status',
      ]);
      const recorded = await sql.rows(
        'SELECT version, name, appliedAt FROM catena_schema_migrations ORDER BY version',
      );
      // each migration is recorded under the version its name carries (009 may land before 008)
      expect(recorded.map((r) => [Number(r.version), r.name])).toEqual(
        ALL.map((name) => [Number(name.slice(0, 3)), name]),
      );
      expect(String(recorded[0]!.appliedAt)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

      expect(await store.migrate()).toEqual([]);
      expect(await store.schemaStatus()).toEqual({
        missingInputTables: [],
        missingCatenaTables: [],
        pendingMigrations: [],
      });
    });

    it("on another program's tables: adds only what is missing, never touches a row, keeps extra columns", async () => {
      opened = await target.create();
      const { store, sql } = opened;
      for (const ddl of legacyDdl(dialect)) await sql.exec(ddl);
      for (const [insert, params] of LEGACY_ROWS) await sql.exec(insert, params);
      const before = await legacySnapshot(sql);
      expect((await store.schemaStatus()).missingInputTables).toEqual([]);

      expect(await store.migrate()).toEqual(ALL);

      // rows: the same, in every original column
      expect(await legacySnapshot(sql)).toEqual(before);
      // the missing columns were added with their defaults (existing rows show the default)
      const [stationRow] = await sql.rows(
        'SELECT despikeLookbackHours, holdLastValidHours, legacyOperator FROM active_stations',
      );
      expect(stationRow).toEqual({
        despikeLookbackHours: 48,
        holdLastValidHours: 2,
        legacyOperator: 'mrossi',
      });
      const [nodeRow] = await sql.rows(
        'SELECT lengthMm, tempCoeffX, tempCoeffY, tempRef, fullScaleCounts, enabled FROM rsn_nodes',
      );
      expect(nodeRow).toEqual({
        lengthMm: 1000,
        tempCoeffX: 0,
        tempCoeffY: 0,
        tempRef: 20,
        fullScaleCounts: 32767,
        enabled: 1,
      });
      const rawRows = await sql.rows('SELECT rawZ, errorCode FROM raw_rsn_data');
      expect(rawRows).toEqual([
        { rawZ: null, errorCode: null },
        { rawZ: null, errorCode: null },
      ]);
      const [elaboratedRow] = await sql.rows('SELECT flags, runId FROM elaborated_rsn_data');
      expect(elaboratedRow).toEqual({ flags: 0, runId: null });
      // the legacy column stays, the Catena tables exist, no index was added to the input tables
      const stationColumns = (await describeTable(sql, dialect, 'active_stations')).columns.map(
        (c) => c.split(' ')[0],
      );
      expect(stationColumns).toContain('legacyOperator');
      expect(await tableNames(sql, dialect)).toEqual(Object.keys(EXPECTED).sort());
      expect(await indexNames(sql, dialect, 'raw_rsn_data')).toEqual([]);
      expect(await indexNames(sql, dialect, 'rsn_alarm_events')).toHaveLength(2);

      expect(await store.migrate()).toEqual([]);
      expect(await legacySnapshot(sql)).toEqual(before);

      // and the store reads the legacy chain, the added columns at their defaults
      const key = { controlUnitCode: 'CU100', chain: 'A' };
      const setup = await store.readChainSetup(key);
      expect(setup?.station).toMatchObject({
        despikeLookbackHours: 48,
        holdLastValidHours: 2,
        despikeWindow: 9,
        referenceTime: Date.UTC(2025, 5, 1) / 1000,
      });
      expect(setup?.nodes[0]).toMatchObject({ nodeIndex: 1, enabled: 1, tempRef: 20, gainX: 0.0001 });
      expect(setup?.thresholds).toEqual([
        { id: 1, ...key, nodeIndex: null, metric: 'cumulative_mm', level: 2, value: 25 },
      ]);
      const chunks = [];
      for await (const chunk of store.readRaw({ ...key, from: null, to: null })) chunks.push(chunk);
      expect(Array.from(chunks[0]!.rawX)).toEqual([1234.5, 1235.5]);
      expect(Array.from(chunks[0]!.rawY)).toEqual([-321.25, Number.NaN]);
      expect(Array.from(chunks[0]!.rawZ)).toEqual([Number.NaN, Number.NaN]);
      expect(Array.from(chunks[0]!.errorCode)).toEqual([0, 0]);
      expect(await store.lastElaboratedAt(key)).toBe(Date.UTC(2025, 5, 1, 0, 10) / 1000);
    });

    it('008_chain_azimuth: a database at version 7 gains active_stations.azimuthDeg, null on its chains', async () => {
      opened = await target.create();
      const { store, sql } = opened;
      await store.migrate();
      // back to version 7: the column and the record of migration 8 removed
      await sql.exec('ALTER TABLE active_stations DROP COLUMN azimuthDeg');
      await sql.exec('DELETE FROM catena_schema_migrations WHERE version = 8');
      await sql.exec(
        "INSERT INTO active_stations (controlUnitCode, chain, siteName) VALUES ('CU008', 'A', 'Old')",
      );
      expect((await store.schemaStatus()).pendingMigrations).toEqual(['008_chain_azimuth']);

      expect(await store.migrate()).toEqual(['008_chain_azimuth']);
      const key = { controlUnitCode: 'CU008', chain: 'A' };
      expect((await store.readChainSetup(key))?.station).toMatchObject({ siteName: 'Old', azimuthDeg: null });
      await sql.exec('UPDATE active_stations SET azimuthDeg = 37.5 WHERE chain = ?', ['A']);
      expect((await store.readChainSetup(key))?.station.azimuthDeg).toBe(37.5);
    });

    it('refuses a table that lacks a column it cannot add (a key), naming both, and creates nothing', async () => {
      opened = await target.create();
      const { store, sql } = opened;
      const t =
        dialect === 'mysql'
          ? { text: 'VARCHAR(32)', time: 'DATETIME', num: 'DOUBLE' }
          : { text: 'TEXT', time: 'TEXT', num: 'REAL' };
      await sql.exec(
        `CREATE TABLE raw_rsn_data (controlUnitCode ${t.text} NOT NULL, chain ${t.text} NOT NULL, timestamp ${t.time} NOT NULL, rawX ${t.num}, PRIMARY KEY (controlUnitCode, chain, timestamp))`,
      );
      const error = await store.migrate().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CatenaError);
      expect(error).toMatchObject({
        code: 'NOT_A_CATENA_DATABASE',
        subject: { table: 'raw_rsn_data', column: 'nodeIndex' },
      });
      expect((error as Error).message).toMatch(/raw_rsn_data.*nodeIndex/);
      const tables = await tableNames(sql, dialect);
      expect(tables.filter((n) => n !== 'catena_schema_migrations')).toEqual(['raw_rsn_data']);
    });

    it('repairs a Catena table dropped after migrating', async () => {
      opened = await target.create();
      const { store, sql } = opened;
      await store.migrate();
      await sql.exec('DROP TABLE catena_runs');
      expect((await store.schemaStatus()).missingCatenaTables).toEqual(['catena_runs']);
      expect(await store.migrate()).toEqual(['003_run_bookkeeping (repaired)']);
      expect(await store.schemaStatus()).toEqual({
        missingInputTables: [],
        missingCatenaTables: [],
        pendingMigrations: [],
      });
      expect(await store.migrate()).toEqual([]);
    });

    it('two stores migrating the same database at once apply each migration once', async () => {
      opened = await target.create();
      const second = await openStore(opened.url);
      try {
        const [a, b] = await Promise.all([opened.store.migrate(), second.migrate()]);
        expect([...a, ...b].sort()).toEqual(ALL);
      } finally {
        await second.close();
      }
    });

    it('requireSchema: an empty database is not a Catena database (which tables, and run catena migrate)', async () => {
      opened = await target.create();
      const error = await openStore(opened.url, { requireSchema: true }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'NOT_A_CATENA_DATABASE' });
      expect((error as Error).message).toMatch(
        /not a Catena database.*active_stations, rsn_nodes, raw_rsn_data, rsn_thresholds.*catena migrate/,
      );
    });

    it("requireSchema: the monitoring tables without Catena's own say so; after migrate it opens", async () => {
      opened = await target.create();
      for (const ddl of legacyDdl(dialect)) await opened.sql.exec(ddl);
      const error = await openStore(opened.url, { requireSchema: true }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'NOT_A_CATENA_DATABASE' });
      expect((error as Error).message).toMatch(
        /monitoring tables but not Catena's own.*rsn_alarm_events, catena_runs.*catena migrate/,
      );
      const migrated = await openStore(opened.url, { migrate: true, requireSchema: true });
      await migrated.close();
      const ready = await openStore(opened.url, { requireSchema: true });
      expect(await ready.listChains()).toEqual([]);
      await ready.close();
    });

    it('reads epoch seconds at the DATETIME edges', async () => {
      opened = await target.create();
      const { store } = opened;
      await store.migrate();
      const key = { controlUnitCode: 'CU1', chain: 'E' };
      const { raw } = await import('./fixtures.ts');
      await store.writeRaw(
        key,
        raw([
          { t: 0, n: 1, x: 1 },
          { t: T0, n: 1, x: 2 },
          { t: 253_402_300_799, n: 1, x: 3 },
        ]),
      );
      const chunks = [];
      for await (const chunk of store.readRaw({ ...key, from: null, to: null })) chunks.push(chunk);
      expect(Array.from(chunks[0]!.timestamp)).toEqual([0, T0, 253_402_300_799]);
    });
  });
}
