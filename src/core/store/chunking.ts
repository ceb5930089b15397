/**
 * readRaw's keyset pagination, the same for both databases: each page is one
 * query `from ≤ timestamp ≤ to ORDER BY timestamp, nodeIndex LIMIT n`; the
 * rows of the page's last timestamp are left for the next page (which starts
 * at that timestamp), so a chunk never splits a timestamp. A timestamp with
 * more rows than a page is read whole by a second query. Between pages no
 * connection or statement is held, so a slow consumer blocks nothing.
 */

import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { RawColumns } from '../domain/columns.ts';
import { CatenaError } from '../errors.ts';
import { decodeEpoch, rawFromRows } from './columns.ts';
import type { RawSpan } from './port.ts';

/**
 * One page: rows [epoch, nodeIndex, rawX, rawY, rawZ, rawT, errorCode] of
 * the chain with from ≤ timestamp ≤ to (epoch seconds, null = open),
 * ordered, at most `limit` (null = all).
 */
export type RawPageFetcher = (
  from: number | null,
  to: number | null,
  limit: number | null,
) => Promise<unknown[]>;

function epochOf(row: unknown): unknown {
  return (row as unknown[])[0];
}

export async function* readRawChunks(
  key: ChainKey,
  span: RawSpan,
  chunkRows: number,
  fetchPage: RawPageFetcher,
  options: { signal?: AbortSignal | undefined; pause?: () => Promise<void> },
): AsyncGenerator<RawColumns> {
  const limit = Math.max(1, Math.floor(chunkRows));
  let from = span.from;
  let first = true;
  while (true) {
    if (!first && options.pause) await options.pause();
    first = false;
    if (options.signal?.aborted) {
      throw new CatenaError(
        'CANCELLED',
        `Reading the raw rows of chain ${chainLabel(key)} was cancelled.`,
        key,
        {
          cause: options.signal.reason,
        },
      );
    }
    const rows = await fetchPage(from, span.to, limit);
    if (rows.length < limit) {
      if (rows.length > 0) yield rawFromRows(rows, rows.length, key);
      return;
    }
    const lastEpoch = epochOf(rows[rows.length - 1]);
    let cut = rows.length - 1;
    while (cut > 0 && epochOf(rows[cut - 1]) === lastEpoch) cut--;
    const lastTimestamp = decodeEpoch(lastEpoch, 'raw_rsn_data', key);
    if (cut > 0) {
      from = lastTimestamp;
      yield rawFromRows(rows, cut, key);
      continue;
    }
    // One timestamp fills the whole page: read that timestamp whole.
    const whole = lastTimestamp;
    const all = await fetchPage(whole, whole, null);
    yield rawFromRows(all, all.length, key);
    if (span.to !== null && whole >= span.to) return;
    from = whole + 1;
  }
}
