/**
 * installDemoSite against a recording sink: the order of the port calls,
 * the chunks, progress, cancellation. (The store adapters have their own
 * integration tests on real databases.)
 */
import { describe, expect, it } from 'vitest';
import type { ChainKey } from '../domain/chain.ts';
import type { RawColumns } from '../domain/columns.ts';
import type { NodeRow, StationRow, ThresholdRow } from '../domain/configuration.ts';
import { isCatenaError } from '../errors.ts';
import { generateDemoSite } from './demo-site.ts';
import { type DemoInstallProgress, type DemoSink, installDemoSite } from './install.ts';

type Call =
  | { op: 'migrate' }
  | { op: 'deleteChain'; key: string }
  | { op: 'upsertStation'; key: string; row: StationRow }
  | { op: 'replaceChainConfig'; key: string; nodes: NodeRow[]; thresholds: Omit<ThresholdRow, 'id'>[] }
  | { op: 'writeRaw'; key: string; rows: RawColumns };

const label = (key: ChainKey) => `${key.controlUnitCode}-${key.chain}`;

/** Records the writes of installDemoSite. */
function recordingStore(): { store: DemoSink; calls: Call[] } {
  const calls: Call[] = [];
  const store: DemoSink = {
    migrate: async () => {
      calls.push({ op: 'migrate' });
      return ['001-test'];
    },
    upsertStation: async (row) => {
      calls.push({ op: 'upsertStation', key: label(row), row });
    },
    replaceChainConfig: async (key, nodes, thresholds) => {
      calls.push({ op: 'replaceChainConfig', key: label(key), nodes, thresholds });
    },
    writeRaw: async (key, rows) => {
      // let the event loop turn, as a real adapter would
      await new Promise<void>((resolve) => setImmediate(resolve));
      calls.push({ op: 'writeRaw', key: label(key), rows });
    },
    deleteChain: async (key) => {
      calls.push({ op: 'deleteChain', key: label(key) });
    },
  };
  return { store, calls };
}

function concat(parts: RawColumns[]): RawColumns {
  const length = parts.reduce((s, p) => s + p.length, 0);
  const out: RawColumns = {
    length,
    timestamp: new Float64Array(length),
    nodeIndex: new Int32Array(length),
    rawX: new Float64Array(length),
    rawY: new Float64Array(length),
    rawZ: new Float64Array(length),
    rawT: new Float64Array(length),
    errorCode: new Int32Array(length),
  };
  let offset = 0;
  for (const p of parts) {
    for (const column of ['timestamp', 'nodeIndex', 'rawX', 'rawY', 'rawZ', 'rawT', 'errorCode'] as const) {
      out[column].set(p[column], offset);
    }
    offset += p.length;
  }
  return out;
}

describe('installDemoSite', () => {
  it('migrates, then per chain deletes, writes station and configuration, and streams the raw rows', async () => {
    const { store, calls } = recordingStore();
    const progress: DemoInstallProgress[] = [];
    const started = performance.now();
    const summary = await installDemoSite(store, { chunkRows: 4000, onProgress: (p) => progress.push(p) });
    const ms = performance.now() - started;
    console.log(
      `demo site installed into a recording store: ${summary.rawRows} raw rows in ${ms.toFixed(0)} ms`,
    );

    const site = generateDemoSite();
    expect(summary.chains).toBe(6);
    expect(summary.rawRows).toBe(391_488);
    expect(summary.migrations).toEqual(['001-test']);
    expect(summary.perChain.map((c) => [label(c), c.nodes, c.timestamps, c.rawRows])).toEqual(
      site.chains.map((c) => [label(c.key), c.nodes.length, c.raw.length / c.nodes.length, c.raw.length]),
    );

    expect(calls[0]).toEqual({ op: 'migrate' });
    let i = 1;
    for (const chain of site.chains) {
      const key = label(chain.key);
      expect(calls[i]).toEqual({ op: 'deleteChain', key });
      const station = calls[i + 1]!;
      expect(station.op === 'upsertStation' && station.row).toEqual(
        site.stations.find((s) => label(s) === key),
      );
      const config = calls[i + 2]!;
      expect(config.op === 'replaceChainConfig' && [config.nodes, config.thresholds]).toEqual([
        chain.nodes,
        chain.thresholds,
      ]);
      i += 3;
      const parts: RawColumns[] = [];
      while (i < calls.length && calls[i]!.op === 'writeRaw') {
        const call = calls[i]!;
        if (call.op !== 'writeRaw') break;
        expect(call.key).toBe(key);
        // whole timestamps, at most chunkRows rounded up to a timestamp
        expect(call.rows.length % chain.nodes.length).toBe(0);
        expect(call.rows.length).toBeLessThan(4000 + chain.nodes.length);
        parts.push(call.rows);
        i++;
      }
      expect(parts.length).toBeGreaterThan(1);
      const written = concat(parts);
      for (const column of ['timestamp', 'nodeIndex', 'rawX', 'rawY', 'rawZ', 'rawT', 'errorCode'] as const) {
        expect(
          Buffer.from(written[column].buffer).equals(Buffer.from(chain.raw[column].buffer)),
          column,
        ).toBe(true);
      }
    }
    expect(i).toBe(calls.length);

    // progress: per chain up to its total, site-wide up to the site's total
    for (const chain of site.chains) {
      const mine = progress.filter((p) => p.chain === label(chain.key));
      expect(mine.map((p) => p.done)).toEqual([...mine.map((p) => p.done)].sort((a, b) => a - b));
      expect(mine.at(-1)!.done).toBe(chain.raw.length);
      expect(mine.every((p) => p.total === chain.raw.length && label(p.key) === p.chain)).toBe(true);
    }
    expect(progress.at(-1)!.siteDone).toBe(391_488);
    expect(progress.every((p) => p.siteTotal === 391_488)).toBe(true);
  });

  it('passes the options through: a 2-day record', async () => {
    const { store } = recordingStore();
    const summary = await installDemoSite(store, { days: 2 });
    expect(summary.perChain.map((c) => c.timestamps)).toEqual([96, 96, 96, 96, 96, 96]);
  });

  it('cancelling stops between chunks with CANCELLED and removes the half-written chain', async () => {
    const { store, calls } = recordingStore();
    const controller = new AbortController();
    const error = await installDemoSite(store, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.chain === 'CU001-B' && p.done > 0) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(isCatenaError(error) && error.code).toBe('CANCELLED');
    const last = calls.at(-1)!;
    expect(last).toEqual({ op: 'deleteChain', key: 'CU001-B' });
    // CU001-A is complete, CU001-B got one chunk before the cancel and was removed, nothing after
    expect(calls.filter((c) => c.op === 'writeRaw' && c.key === 'CU001-B')).toHaveLength(1);
    expect(calls.some((c) => 'key' in c && c.key.startsWith('CU002'))).toBe(false);
  });

  it('an already aborted signal touches nothing', async () => {
    const { store, calls } = recordingStore();
    const error = await installDemoSite(store, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(isCatenaError(error) && error.code).toBe('CANCELLED');
    expect(calls).toEqual([]);
  });
});
