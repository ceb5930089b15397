/** Why a node shows no value: the data-quality counts say when it was last valid and what its sensor said since. */
import type { NodeFlagCounts } from '../../contract/types.ts';
import { fmtTime } from './format.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "18 Oct" (UTC), the year added when it is not the year of `now`. */
export function fmtDay(epochSeconds: number, nowSeconds = Date.now() / 1000): string {
  const d = new Date(epochSeconds * 1000);
  const year =
    d.getUTCFullYear() === new Date(nowSeconds * 1000).getUTCFullYear() ? '' : ` ${d.getUTCFullYear()}`;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}${year}`;
}

/**
 * "no valid data since 18 Oct: error code 3" for a node whose newest rows are
 * not valid (invalid or only held), null for a node whose newest row is valid.
 */
export function deadNote(
  q: Pick<NodeFlagCounts, 'lastAt' | 'lastValidAt' | 'errorCodeAfter'>,
): string | null {
  if (q.lastValidAt !== null && q.lastValidAt >= q.lastAt) return null;
  const since = q.lastValidAt === null ? 'no valid data' : `no valid data since ${fmtDay(q.lastValidAt)}`;
  return q.errorCodeAfter === null
    ? `${since}: readings invalid`
    : `${since}: error code ${q.errorCodeAfter}`;
}

/** The full time of the last valid row, for a tooltip. */
export function lastValidTitle(q: Pick<NodeFlagCounts, 'lastValidAt'>): string {
  return q.lastValidAt === null ? 'never valid' : `last valid row ${fmtTime(q.lastValidAt)} UTC`;
}
