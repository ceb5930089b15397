/** Applying the migrations (migrations.ts plans them) under the dialect's migration lock, and checking the schema. */
import { formatDbTime } from '../../time.ts';
import { nowEpoch } from '../columns.ts';
import type { SqlContext } from '../context.ts';
import type { Executor } from '../executor.ts';
import { planMigrations, type SchemaProblems, type SchemaState, schemaProblems } from '../migrations.ts';
import { SCHEMA_MIGRATIONS } from '../schema.ts';
import { insertSql } from '../sql.ts';

export async function migrate(ctx: SqlContext): Promise<string[]> {
  const { dialect } = ctx;
  return ctx.guard('migrating the database (catena migrate)', () =>
    dialect.migrating(ctx.driver, async (exec) => {
      const state = await inspect(ctx, exec);
      if (!state.tables.has(SCHEMA_MIGRATIONS.name)) {
        for (const sql of dialect.ddl.createTable(SCHEMA_MIGRATIONS)) await exec.run(sql);
      }
      const applied: string[] = [];
      for (const migration of planMigrations(state, dialect.ddl)) {
        for (const sql of migration.statements) await exec.run(sql);
        await exec.run(
          insertSql(
            'catena_schema_migrations',
            ['version', 'name', 'appliedAt'],
            1,
            dialect.upsert(['version'], ['name']),
          ),
          [migration.version, migration.name, formatDbTime(nowEpoch())],
        );
        applied.push(migration.repair ? `${migration.name} (repaired)` : migration.name);
      }
      return applied;
    }),
  );
}

export async function schemaStatus(ctx: SqlContext): Promise<SchemaProblems> {
  return ctx.guard('checking the database tables', () =>
    ctx.driver.session(async (exec) => {
      const state = await inspect(ctx, exec);
      return schemaProblems(state.tables.keys(), state.appliedVersions);
    }),
  );
}

/** The dialect's view of the tables, plus the migrations recorded in them (the same SQL everywhere). */
async function inspect(ctx: SqlContext, exec: Executor): Promise<SchemaState> {
  const tables = await ctx.dialect.inspect(exec);
  const appliedVersions = new Set<number>();
  if (tables.has(SCHEMA_MIGRATIONS.name)) {
    for (const [version] of await exec.allArrays('SELECT version FROM catena_schema_migrations')) {
      appliedVersions.add(Number(version));
    }
  }
  return { tables, appliedVersions };
}
