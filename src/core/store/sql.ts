/** Small SQL text helpers of the store. Identifiers are fixed; values always go through placeholders. */
import { CatenaError } from '../errors.ts';

/**
 * Placeholders for `nodeIndex IN (…)`, padded to a power of two by repeating
 * the first value, so that a handful of statement texts cover every list
 * length (prepared statements are cached by text).
 */
export function inList(values: readonly number[]): { sql: string; params: number[] } {
  if (values.length === 0) throw new Error('inList needs at least one value');
  for (const v of values) {
    if (!Number.isInteger(v)) {
      throw new CatenaError('DATA_INVALID', `Node index ${v} is not a whole number.`, {
        column: 'nodeIndex',
      });
    }
  }
  let size = 1;
  while (size < values.length) size *= 2;
  const params = [...values];
  while (params.length < size) params.push(values[0]!);
  return { sql: new Array(size).fill('?').join(','), params };
}

export function placeholders(count: number): string {
  return new Array(count).fill('?').join(',');
}

/** A caller's limit clamped to [1, max], or the default. */
export function clampLimit(limit: number | undefined, fallback: number, max = 1_000_000): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

/** Multi-row `INSERT INTO table (columns) VALUES (…), (…)` for `rows` tuples, then `suffix`. */
export function insertSql(table: string, columns: readonly string[], rows: number, suffix = ''): string {
  const tuple = `(${placeholders(columns.length)})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${new Array(rows).fill(tuple).join(', ')}${suffix}`;
}
