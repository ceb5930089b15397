/** MySQL/MariaDB DDL generated from schema.ts (DATETIME, DOUBLE, TINYINT(1), VARCHAR; InnoDB, utf8mb4). */
import type { ColumnSpec, ColumnType, Ddl, IndexSpec, TableSpec } from '../schema.ts';

const id = (name: string): string => `\`${name}\``;

function typeSql(type: ColumnType): string {
  switch (type.kind) {
    case 'varchar':
      return `VARCHAR(${type.length})`;
    case 'text':
      return 'TEXT';
    case 'datetime':
      return 'DATETIME';
    case 'double':
      return 'DOUBLE';
    case 'int':
      return 'INT';
    case 'bigint':
      return 'BIGINT';
    case 'bool':
      return 'TINYINT(1)';
  }
}

function columnSql(column: ColumnSpec): string {
  let sql = `${id(column.name)} ${typeSql(column.type)} ${column.notNull ? 'NOT NULL' : 'NULL'}`;
  if (column.default !== undefined) sql += ` DEFAULT ${column.default}`;
  if (column.autoIncrement) sql += ' AUTO_INCREMENT';
  return sql;
}

const columnList = (names: readonly string[]): string => names.map(id).join(', ');

export const mysqlDdl: Ddl = {
  createTable(table: TableSpec): string[] {
    const lines = table.columns.map(columnSql);
    const auto = table.columns.find((c) => c.autoIncrement);
    const primaryKey = auto ? [auto.name] : table.primaryKey;
    lines.push(`PRIMARY KEY (${columnList(primaryKey)})`);
    for (const index of table.indexes) lines.push(`KEY ${id(index.name)} (${columnList(index.columns)})`);
    return [
      `CREATE TABLE IF NOT EXISTS ${id(table.name)} (\n  ${lines.join(',\n  ')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    ];
  },
  addColumn(table: TableSpec, column: ColumnSpec): string {
    return `ALTER TABLE ${id(table.name)} ADD COLUMN ${columnSql(column)}`;
  },
  createIndex(table: TableSpec, index: IndexSpec): string {
    return `CREATE INDEX ${id(index.name)} ON ${id(table.name)} (${columnList(index.columns)})`;
  },
};
