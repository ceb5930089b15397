/** Checks of what the store reads or is asked to write, shared by every query that needs them. */
import type { ChainKey } from '../../domain/chain.ts';
import { chainLabel } from '../../domain/chain.ts';
import type { NodeRow, ThresholdRow } from '../../domain/configuration.ts';
import { CatenaError } from '../../errors.ts';

export function checkConfigKeys(
  key: ChainKey,
  nodes: NodeRow[],
  thresholds: Omit<ThresholdRow, 'id'>[],
): void {
  for (const row of [...nodes, ...thresholds]) {
    if (row.controlUnitCode !== key.controlUnitCode || row.chain !== key.chain) {
      throw new CatenaError(
        'DATA_INVALID',
        `The configuration of chain ${chainLabel(key)} contains a row of chain ${chainLabel(row)}.`,
        key,
      );
    }
  }
  const seen = new Set<number>();
  for (const node of nodes) {
    if (!Number.isInteger(node.nodeIndex)) {
      throw new CatenaError(
        'DATA_INVALID',
        `Chain ${chainLabel(key)}: node index ${node.nodeIndex} is not whole.`,
        {
          ...key,
          table: 'rsn_nodes',
          column: 'nodeIndex',
        },
      );
    }
    if (seen.has(node.nodeIndex)) {
      throw new CatenaError(
        'DATA_INVALID',
        `Chain ${chainLabel(key)}: node ${node.nodeIndex} is listed twice.`,
        {
          ...key,
          nodeIndex: node.nodeIndex,
          table: 'rsn_nodes',
        },
      );
    }
    seen.add(node.nodeIndex);
  }
}

/**
 * A referenceTime the database cannot turn into a time (malformed text in
 * SQLite, a zero date in a legacy MySQL table) would silently read as "no
 * reference time": refuse it. Rows are selected with the stored text as
 * `referenceTimeText` next to the epoch `referenceTime`.
 */
export function checkReferenceTime(rows: unknown[], key: ChainKey): unknown[] {
  const row = rows[0] as Record<string, unknown> | undefined;
  if (
    row &&
    row.referenceTime === null &&
    row.referenceTimeText !== null &&
    row.referenceTimeText !== undefined
  ) {
    throw new CatenaError(
      'DATA_INVALID',
      `Chain ${chainLabel(key)}: active_stations.referenceTime '${String(row.referenceTimeText)}' is not a date ` +
        "and time ('YYYY-MM-DD HH:MM:SS'); correct it or set it to NULL.",
      { ...key, table: 'active_stations', column: 'referenceTime' },
    );
  }
  return rows;
}
