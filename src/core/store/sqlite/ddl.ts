/**
 * SQLite DDL generated from schema.ts: times are TEXT `YYYY-MM-DD HH:MM:SS`,
 * numbers REAL, integers and booleans INTEGER. Tables with a composite key
 * are WITHOUT ROWID (rows clustered by key, like InnoDB), which keeps the
 * range reads of one chain sequential.
 */
import type { ColumnSpec, ColumnType, Ddl, IndexSpec, TableSpec } from '../schema.ts';

const id = (name: string): string => `"${name}"`;

function typeSql(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
    case 'text':
    case 'datetime':
      return 'TEXT';
    case 'double':
      return 'REAL';
    case 'int':
    case 'bigint':
    case 'bool':
      return 'INTEGER';
  }
}

function columnSql(column: ColumnSpec): string {
  // SQLite's rowid alias must be spelled exactly INTEGER PRIMARY KEY.
  if (column.autoIncrement) return `${id(column.name)} INTEGER PRIMARY KEY AUTOINCREMENT`;
  let sql = `${id(column.name)} ${typeSql(column.type)}`;
  if (column.notNull) sql += ' NOT NULL';
  if (column.default !== undefined) sql += ` DEFAULT ${column.default}`;
  return sql;
}

const columnList = (names: readonly string[]): string => names.map(id).join(', ');

export const sqliteDdl: Ddl = {
  createTable(table: TableSpec): string[] {
    const lines = table.columns.map(columnSql);
    const auto = table.columns.some((c) => c.autoIncrement);
    if (!auto) lines.push(`PRIMARY KEY (${columnList(table.primaryKey)})`);
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${id(table.name)} (\n  ${lines.join(',\n  ')}\n)${auto ? '' : ' WITHOUT ROWID'}`,
    ];
    for (const index of table.indexes) statements.push(sqliteDdl.createIndex(table, index));
    return statements;
  },
  addColumn(table: TableSpec, column: ColumnSpec): string {
    return `ALTER TABLE ${id(table.name)} ADD COLUMN ${columnSql(column)}`;
  },
  createIndex(table: TableSpec, index: IndexSpec): string {
    return `CREATE INDEX IF NOT EXISTS ${id(index.name)} ON ${id(table.name)} (${columnList(index.columns)})`;
  },
};
