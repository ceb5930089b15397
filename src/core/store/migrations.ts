/**
 * Versioned migrations, recorded in `catena_schema_migrations(version, name,
 * appliedAt)`. A migration ensures tables: it creates a missing table with
 * the columns, keys and indexes of schema.ts, and on a table that another
 * program already created it only adds the missing columns that can be added
 * (nullable or with a default) and, on Catena's own tables, the missing
 * indexes. It never drops, renames or rewrites a table or a row.
 *
 * Planning is pure (`planMigrations` over an inspected `SchemaState`), so each
 * adapter applies the plan in its own way: MySQL under a named lock
 * (`GET_LOCK`), SQLite synchronously in one `BEGIN IMMEDIATE` transaction.
 */
import { CatenaError } from '../errors.ts';
import type { Store } from './port.ts';
import {
  ACTIVE_STATIONS,
  CATENA_CHAIN_LOCKS,
  CATENA_NOTIFY_DELIVERIES,
  CATENA_NOTIFY_RULES,
  CATENA_RUNS,
  CATENA_STALE_EPISODES,
  CATENA_TABLES,
  type Ddl,
  ELABORATED_RSN_DATA,
  INPUT_TABLES,
  isAddable,
  RAW_RSN_DATA,
  RSN_ALARM_EVENTS,
  RSN_NODES,
  RSN_THRESHOLDS,
  type TableSpec,
} from './schema.ts';

export interface Migration {
  version: number;
  name: string;
  /** tables this migration creates, or completes when they exist */
  tables: readonly TableSpec[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: '001_input_tables',
    tables: [ACTIVE_STATIONS, RSN_NODES, RAW_RSN_DATA, RSN_THRESHOLDS],
  },
  { version: 2, name: '002_output_tables', tables: [ELABORATED_RSN_DATA, RSN_ALARM_EVENTS] },
  { version: 3, name: '003_run_bookkeeping', tables: [CATENA_RUNS] },
  // DATA_MODEL.md v2: alarm delays, stale data, acknowledgement (optional columns)
  { version: 4, name: '004_v2_columns', tables: [ACTIVE_STATIONS, RSN_ALARM_EVENTS] },
  // chain locks and run heartbeats with leases (one elaboration per chain across processes, no run stuck running)
  { version: 5, name: '005_run_leases', tables: [CATENA_RUNS, CATENA_CHAIN_LOCKS] },
  // notification rules and the delivery log (each delivery claimed once by a unique key)
  { version: 6, name: '006_notifications', tables: [CATENA_NOTIFY_RULES, CATENA_NOTIFY_DELIVERIES] },
  // stale-data episodes: one notification when a chain's data stops, one when it is back
  { version: 7, name: '007_stale_episodes', tables: [CATENA_STALE_EPISODES] },
  // a chain's azimuth (optional column): its profiles can be shown rotated from X/Y to A/B
  { version: 8, name: '008_chain_azimuth', tables: [ACTIVE_STATIONS] },
  // the site's time zone (optional column), so the console can show times in the site's local time
  { version: 9, name: '009_site_time_zone', tables: [ACTIVE_STATIONS] },
];

export interface TableState {
  /** column names, lower case (MySQL and SQLite compare them case-insensitively) */
  columns: Set<string>;
  /** index names, lower case */
  indexes: Set<string>;
}

export interface SchemaState {
  /** keyed by lower-case table name */
  tables: Map<string, TableState>;
  appliedVersions: Set<number>;
}

export interface PlannedMigration {
  version: number;
  name: string;
  /** true when the version was recorded already and only missing tables are recreated */
  repair: boolean;
  statements: string[];
}

function lower(name: string): string {
  return name.toLowerCase();
}

/** Statements that make one table match its spec, updating `state` as if they had run. */
function ensureTable(table: TableSpec, state: SchemaState, ddl: Ddl): string[] {
  const existing = state.tables.get(lower(table.name));
  if (!existing) {
    state.tables.set(lower(table.name), {
      columns: new Set(table.columns.map((c) => lower(c.name))),
      indexes: new Set(table.indexes.map((i) => lower(i.name))),
    });
    return ddl.createTable(table);
  }
  const missing = table.columns.filter((c) => !existing.columns.has(lower(c.name)));
  const notAddable = missing.filter((c) => !isAddable(c));
  if (notAddable.length > 0) {
    const names = notAddable.map((c) => c.name).join(', ');
    throw new CatenaError(
      'NOT_A_CATENA_DATABASE',
      `Table ${table.name} exists but has no column ${names}, which Catena needs and cannot add to a table ` +
        `that holds another program's rows. Check that this is the monitoring database, or have the ` +
        `table's owner add the column${notAddable.length > 1 ? 's' : ''}.`,
      { table: table.name, column: notAddable[0]!.name },
    );
  }
  const statements: string[] = [];
  for (const column of missing) {
    statements.push(ddl.addColumn(table, column));
    existing.columns.add(lower(column.name));
  }
  if (table.role !== 'input') {
    for (const index of table.indexes) {
      if (existing.indexes.has(lower(index.name))) continue;
      statements.push(ddl.createIndex(table, index));
      existing.indexes.add(lower(index.name));
    }
  }
  return statements;
}

/**
 * The migrations to apply, in order. A version already recorded is skipped,
 * unless one of its tables has since disappeared: then it is planned again as
 * a repair (recreating only what is missing), so `catena migrate` is always
 * the fix for "table missing".
 */
export function planMigrations(state: SchemaState, ddl: Ddl): PlannedMigration[] {
  const plan: PlannedMigration[] = [];
  for (const migration of MIGRATIONS) {
    const applied = state.appliedVersions.has(migration.version);
    if (applied && migration.tables.every((t) => state.tables.has(lower(t.name)))) continue;
    const statements: string[] = [];
    for (const table of migration.tables) statements.push(...ensureTable(table, state, ddl));
    plan.push({ version: migration.version, name: migration.name, repair: applied, statements });
    state.appliedVersions.add(migration.version);
  }
  return plan;
}

export interface SchemaProblems {
  missingInputTables: string[];
  missingCatenaTables: string[];
  pendingMigrations: string[];
}

export function schemaProblems(tableNames: Iterable<string>, appliedVersions: Set<number>): SchemaProblems {
  const present = new Set([...tableNames].map(lower));
  return {
    missingInputTables: INPUT_TABLES.filter((t) => !present.has(lower(t.name))).map((t) => t.name),
    missingCatenaTables: CATENA_TABLES.filter((t) => !present.has(lower(t.name))).map((t) => t.name),
    pendingMigrations: MIGRATIONS.filter((m) => !appliedVersions.has(m.version)).map((m) => m.name),
  };
}

/**
 * NOT_A_CATENA_DATABASE when the database cannot be used as it is: input
 * tables missing (not the monitoring database, or never migrated), Catena's
 * tables missing, or migrations pending. The message names what is missing
 * and says to run `catena migrate`.
 */
export function assertSchemaUsable(problems: SchemaProblems, location: string): void {
  const { missingInputTables, missingCatenaTables, pendingMigrations } = problems;
  if (missingInputTables.length > 0) {
    const all = missingInputTables.length === INPUT_TABLES.length;
    throw new CatenaError(
      'NOT_A_CATENA_DATABASE',
      `${location} is not a Catena database: ${all ? 'none of' : 'some of'} the monitoring tables ` +
        `(missing: ${missingInputTables.join(', ')}) exist. Check the database name in the connection ` +
        'profile; if this is a new database, run `catena migrate` to create the tables.',
      { table: missingInputTables[0]! },
    );
  }
  if (missingCatenaTables.length > 0) {
    throw new CatenaError(
      'NOT_A_CATENA_DATABASE',
      `${location} has the monitoring tables but not Catena's own (missing: ${missingCatenaTables.join(', ')}). ` +
        'Run `catena migrate` once with a user allowed to create tables.',
      { table: missingCatenaTables[0]! },
    );
  }
  if (pendingMigrations.length > 0) {
    throw new CatenaError(
      'NOT_A_CATENA_DATABASE',
      `${location} was prepared by an older Catena (pending migrations: ${pendingMigrations.join(', ')}). ` +
        'Run `catena migrate` once with a user allowed to alter tables.',
    );
  }
}

/** A store that can also say what its database lacks (openStore's schema check). */
export interface CatenaStore extends Store {
  schemaStatus(): Promise<SchemaProblems>;
  /** from now on every write is refused with READ_ONLY (an offline snapshot) */
  enterReadOnly(): Promise<void>;
}
