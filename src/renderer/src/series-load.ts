/**
 * Loads a node's series for the charts through the series worker
 * (series.worker.ts): over HTTP the worker fetches and parses the answer
 * itself, over IPC it gets the answer the page received. Where no worker can
 * start (a page opened from a file), the same functions run in the page.
 */
import type { CatenaApi } from '../../contract/methods.ts';
import type { ChainKey } from '../../contract/types.ts';
import type { WireSeries } from '../../contract/wire.ts';
import { type ChartSeries, chartSeries } from './series-data.ts';

export interface SeriesInput {
  key: ChainKey;
  nodeIndex: number;
  limit: number;
  /** a zoomed period (epoch seconds): its rows are fetched, and drawn at the chart's resolution */
  from?: number;
  to?: number;
}

export type SeriesRequest = { id: number; buckets: number } & (
  | { kind: 'fetch'; url: string; input: SeriesInput }
  | { kind: 'wire'; wire: WireSeries }
);

export type SeriesReply = { id: number } & (
  | { ok: true; series: ChartSeries }
  | { ok: false; message: string }
);

/** A worker that has not answered by then is taken as lost; the fetch inside it has its own, shorter timeout. */
const REPLY_TIMEOUT_MS = 45_000;

let worker: Worker | null | undefined;
let nextId = 1;
const waiting = new Map<number, (reply: SeriesReply) => void>();

function theWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./series.worker.ts', import.meta.url), { type: 'module', name: 'series' });
    worker.onmessage = (event: MessageEvent<SeriesReply>) => {
      waiting.get(event.data.id)?.(event.data);
      waiting.delete(event.data.id);
    };
    worker.onerror = (event) => {
      // the worker could not load (a page from a file): the page does the work from now on
      event.preventDefault();
      worker = null;
      for (const [id, done] of waiting) done({ id, ok: false, message: 'worker-failed' });
      waiting.clear();
    };
  } catch {
    worker = null;
  }
  return worker;
}

function ask(w: Worker, request: SeriesRequest): Promise<SeriesReply> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(request.id);
      resolve({
        id: request.id,
        ok: false,
        message: `the series worker did not answer within ${REPLY_TIMEOUT_MS / 1000} s`,
      });
    }, REPLY_TIMEOUT_MS);
    waiting.set(request.id, (reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
    w.postMessage(request);
  });
}

/** One node's series, downsampled to about `buckets` runs of rows for display. */
export async function loadChartSeries(
  api: CatenaApi,
  input: SeriesInput,
  buckets: number,
): Promise<ChartSeries> {
  const overHttp = typeof window !== 'undefined' && !window.catena;
  const w = theWorker();
  if (w) {
    const id = nextId++;
    const reply = await ask(
      w,
      overHttp
        ? { id, buckets, kind: 'fetch', url: new URL('/api/series', window.location.origin).href, input }
        : { id, buckets, kind: 'wire', wire: await api.series(input) },
    );
    if (reply.ok) return reply.series;
    if (reply.message !== 'worker-failed') throw new Error(reply.message);
  }
  return chartSeries(await api.series(input), buckets);
}
