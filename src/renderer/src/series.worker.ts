/**
 * The series worker: fetches a node's series over HTTP, parses and checks it
 * (zod) and downsamples it for display off the page's main thread, then hands
 * the typed columns back without a copy. Over IPC the page passes the wire
 * series it received instead, for the downsampling alone.
 */
import { wireSeriesSchema } from '../../contract/outputs.ts';
import { wireErrorSchema } from '../../contract/schemas.ts';
import { chartSeries, transferables } from './series-data.ts';
import type { SeriesReply, SeriesRequest } from './series-load.ts';

/** A series answer that has not arrived by then is reported, not waited for. */
const FETCH_TIMEOUT_MS = 30_000;

async function wireOf(request: SeriesRequest): Promise<unknown> {
  if (request.kind === 'wire') return request.wire;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request.input),
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(
      error instanceof DOMException && error.name === 'TimeoutError'
        ? `the series did not arrive within ${FETCH_TIMEOUT_MS / 1000} s`
        : 'cannot reach the Catena service for the series',
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new Error(`the service answered ${response.status} without JSON`);
  }
  if (!response.ok) {
    const error = wireErrorSchema.safeParse((body as { error?: unknown } | null)?.error);
    throw new Error(error.success ? error.data.message : `the service answered ${response.status}`);
  }
  return body;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<SeriesRequest>) => void) | null;
  postMessage(message: SeriesReply, transfer: Transferable[]): void;
};

scope.onmessage = (event) => {
  const request = event.data;
  wireOf(request).then(
    (body) => {
      const parsed = wireSeriesSchema.safeParse(body);
      if (!parsed.success) {
        scope.postMessage(
          {
            id: request.id,
            ok: false,
            message: `the series answer is malformed: ${parsed.error.issues[0]?.message}`,
          },
          [],
        );
        return;
      }
      const series = chartSeries(parsed.data, request.buckets);
      scope.postMessage({ id: request.id, ok: true, series }, transferables(series));
    },
    (error: unknown) =>
      scope.postMessage(
        { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) },
        [],
      ),
  );
};
