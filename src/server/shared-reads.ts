/**
 * Reads that many clients ask for at once, answered by one database read.
 *
 * The chain overview of other systems (`GET /api/v1/chains`) counts
 * each chain's raw rows: its cost grows with the data, and a dashboard or
 * two polling it would keep the database busy — on SQLite, with its one
 * connection, in front of the engine's writes (bench:service: at 10
 * requests/s on 504 000 raw rows, a launch did not finish in 5 minutes).
 * Here concurrent requests share one read (single flight), and an answer is
 * reused for `ttlMs` (default 1 s) or twice as long as the read took,
 * whichever is longer — so the overview never takes more than a third of
 * the database's time, however many poll it; the engine's `launch-started`
 * and `chain-finished` drop it, so a launch and a run's result show at once. Rows that another system adds
 * show within that time.
 */
import type { CatenaService } from '../core/service/types.ts';

export interface SharedReads {
  /** the service, its overview shared */
  service: CatenaService;
  /** database reads of the overview made (the rest were shared) */
  readonly reads: number;
  close(): void;
}

export function sharedReads(service: CatenaService, ttlMs = 1000): SharedReads {
  type Overview = Awaited<ReturnType<CatenaService['listChains']>>;
  let current: { at: number; keepMs: number; value: Promise<Overview> } | null = null;
  let reads = 0;
  const off = service.onEvent((event) => {
    // a launch changes the chains' runs, a finished chain its rows: both show at once
    if (event.type === 'launch-started' || event.type === 'chain-finished') current = null;
  });
  const listChains = (): Promise<Overview> => {
    // while the read runs every request waits for it; once answered, it serves for ttlMs
    if (current && Date.now() - current.at < current.keepMs) return current.value;
    reads++;
    const started = Date.now();
    const entry = { at: Number.POSITIVE_INFINITY, keepMs: ttlMs, value: service.listChains() };
    current = entry;
    entry.value.then(
      () => {
        entry.at = Date.now();
        entry.keepMs = Math.max(ttlMs, 2 * (entry.at - started));
      },
      () => {
        // a failure is not kept: the next request tries again
        if (current === entry) current = null;
      },
    );
    return entry.value;
  };
  return {
    service: { ...service, listChains },
    get reads() {
      return reads;
    },
    close: off,
  };
}
