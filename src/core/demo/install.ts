/**
 * Writing the demo site (demo-site.ts) into a database. The demo sits beside
 * the store, not above it: it names only the five writes it needs
 * (`DemoSink`), which the store port provides.
 */

import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { RawColumns } from '../domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import { CatenaError } from '../errors.ts';
import { type DemoChain, type DemoSiteOptions, planDemoSite } from './demo-site.ts';

/** What the installer writes through: the store port has these five methods. */
export interface DemoSink {
  /** creates what is missing; returns the migrations applied */
  migrate(): Promise<string[]>;
  deleteChain(key: ChainKey): Promise<void>;
  upsertStation(row: StationRow): Promise<void>;
  replaceChainConfig(key: ChainKey, nodes: NodeRow[], thresholds: Omit<ThresholdRow, 'id'>[]): Promise<void>;
  writeRaw(key: ChainKey, rows: RawColumns): Promise<void>;
}

export interface DemoInstallProgress {
  /** `CU001-A` */
  chain: string;
  key: ChainKey;
  /** raw rows of this chain written so far, out of total */
  done: number;
  total: number;
  /** the same over the whole site */
  siteDone: number;
  siteTotal: number;
}

export interface InstallDemoOptions extends DemoSiteOptions {
  /** raw rows per writeRaw call, rounded up to whole timestamps (default 5000) */
  chunkRows?: number;
  signal?: AbortSignal;
  /** called after every chunk written */
  onProgress?: (progress: DemoInstallProgress) => void;
}

export interface DemoInstallSummary {
  /** number of chains written */
  chains: number;
  rawRows: number;
  perChain: Array<ChainKey & { nodes: number; timestamps: number; rawRows: number }>;
  /** migrations applied by store.migrate() */
  migrations: string[];
  durationMs: number;
}

/**
 * Writes the demo site through the store: `migrate()`, then per chain
 * `deleteChain` (raw, elaborated, events, configuration), `upsertStation`,
 * `replaceChainConfig`, and the raw rows in chunks through `writeRaw`; while
 * a chunk is being written the next one is generated, so memory is two chunks.
 *
 * Cancelling through the signal stops between chunks with a CANCELLED error;
 * the chain being written is deleted again so that no half-written chain is
 * left behind (the chains already written stay; installing again replaces
 * everything).
 */
export async function installDemoSite(
  store: DemoSink,
  options: InstallDemoOptions = {},
): Promise<DemoInstallSummary> {
  const started = performance.now();
  const plan = planDemoSite(options);
  const chunkRows = options.chunkRows ?? 5000;
  const { signal, onProgress } = options;
  if (signal?.aborted) throw cancelled();
  const migrations = await store.migrate();
  const summary: DemoInstallSummary = { chains: 0, rawRows: 0, perChain: [], migrations, durationMs: 0 };

  const report = (chain: DemoChain, done: number) =>
    onProgress?.({
      chain: chainLabel(chain.key),
      key: chain.key,
      done,
      total: chain.rowCount,
      siteDone: summary.rawRows + done,
      siteTotal: plan.rowCount,
    });

  for (const chain of plan.chains) {
    if (signal?.aborted) throw cancelled();
    await store.deleteChain(chain.key);
    await store.upsertStation(chain.station);
    await store.replaceChainConfig(chain.key, chain.nodes, chain.thresholds);
    let done = 0;
    try {
      let pending: Promise<void> | null = null;
      for (const chunk of chain.chunks({ chunkRows })) {
        if (pending) {
          await pending;
          report(chain, done);
        }
        if (signal?.aborted) throw cancelled();
        pending = store.writeRaw(chain.key, chunk.raw);
        done += chunk.raw.length;
      }
      if (pending) {
        await pending;
        report(chain, done);
      }
    } catch (error) {
      if (error instanceof CatenaError && error.code === 'CANCELLED') await store.deleteChain(chain.key);
      throw error;
    }
    summary.chains++;
    summary.rawRows += done;
    summary.perChain.push({
      ...chain.key,
      nodes: chain.nodes.length,
      timestamps: chain.timestampCount,
      rawRows: done,
    });
  }
  summary.durationMs = performance.now() - started;
  return summary;
}

function cancelled(): CatenaError {
  return new CatenaError(
    'CANCELLED',
    'Demo site installation cancelled. Chains written before the cancel are complete; install the demo site again to restore the others.',
  );
}
