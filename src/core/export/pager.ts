/**
 * Reading a chain's elaborated rows page by page, oldest first, without ever
 * holding more than one page. The store's readElaborated takes a time span
 * and a limit (the newest rows kept when cut), so the pager walks through
 * time in windows: a window that comes back full may have been cut, and is
 * read again at half the width; a window that comes back sparse doubles the
 * next one. A window of a single second that is still full (more nodes than
 * a page) is read without a limit: one timestamp's rows.
 */
import type { ChainKey } from '../domain/chain.ts';
import type { ElaboratedColumns } from '../domain/columns.ts';
import type { Store } from '../store/port.ts';

export interface PageOptions {
  /** inclusive bounds, epoch seconds; null = the chain's first / last row */
  from: number | null;
  to: number | null;
  /** rows per page, about (default 20 000) */
  pageRows?: number;
  /** only this node's rows */
  nodeIndex?: number;
  /** also read each row's runId (snapshots) */
  withRunIds?: boolean;
  signal?: AbortSignal;
}

export interface ElaboratedPage {
  rows: ElaboratedColumns;
  /** the page covers [from, to] (epoch seconds, inclusive) */
  from: number;
  to: number;
  /** the whole span being read, for progress */
  spanFrom: number;
  spanTo: number;
}

export const DEFAULT_PAGE_ROWS = 20_000;

/** The chain's elaborated rows of [from, to] by pages of about `pageRows` rows, in (timestamp, nodeIndex) order. */
export async function* pageElaborated(
  store: Store,
  key: ChainKey,
  options: PageOptions,
): AsyncGenerator<ElaboratedPage> {
  const pageRows = Math.max(2, options.pageRows ?? DEFAULT_PAGE_ROWS);
  const extent = await extentOf(store, key, options.from, options.to, options.nodeIndex);
  if (!extent) return;
  const { first, last, rows } = extent;
  const rate = rows / Math.max(1, last - first + 1);
  // The first window: about half a page at the chain's mean density.
  let width = Math.max(1, Math.floor(pageRows / 2 / Math.max(rate, 1e-9)));
  let t = first;
  while (t <= last) {
    options.signal?.throwIfAborted();
    const to = Math.min(last, t + width - 1);
    const query = {
      ...key,
      from: t,
      to,
      ...(options.nodeIndex === undefined ? {} : { nodeIndex: options.nodeIndex }),
      ...(options.withRunIds ? { withRunIds: true } : {}),
    };
    let page = await store.readElaborated({ ...query, limit: pageRows });
    if (page.length >= pageRows) {
      if (to > t) {
        width = Math.max(1, Math.floor((to - t + 1) / 2));
        continue;
      }
      page = await store.readElaborated(query);
    }
    yield { rows: page, from: t, to, spanFrom: first, spanTo: last };
    if (page.length < pageRows / 4) width = Math.min(width * 2, Number.MAX_SAFE_INTEGER / 4);
    t = to + 1;
  }
}

/** First and last timestamp of the chain's rows within the bounds, and their count; null when there are none. */
async function extentOf(
  store: Store,
  key: ChainKey,
  from: number | null,
  to: number | null,
  nodeIndex: number | undefined,
): Promise<{ first: number; last: number; rows: number } | null> {
  const counts = (await store.flagCounts({ key, from, to })).filter(
    (c) => nodeIndex === undefined || c.nodeIndex === nodeIndex,
  );
  if (counts.length === 0) return null;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let rows = 0;
  for (const c of counts) {
    first = Math.min(first, c.firstAt);
    last = Math.max(last, c.lastAt);
    rows += c.rows;
  }
  return { first, last, rows };
}

/** The rows of `page` whose node is among `nodes` (all when `nodes` is empty). */
export function selectNodes(page: ElaboratedColumns, nodes: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < page.length; i++) if (nodes.size === 0 || nodes.has(page.nodeIndex[i]!)) out.push(i);
  return out;
}
