import type { Command } from 'commander';
import { openStore } from '../../core/store/open.ts';
import type { ChainSummary } from '../../core/store/port.ts';
import { parseProfile } from '../../core/store/profile.ts';
import { formatDbTime, formatIsoTime } from '../../core/time.ts';
import { resolveDb } from '../options.ts';

export function registerStations(program: Command): void {
  program
    .command('stations')
    .description('list the chains of active_stations with their nodes, raw rows and time spans')
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .option('--json', 'one JSON document on stdout')
    .action(async (options: { db?: string; json?: boolean }) => {
      const store = await openStore(parseProfile(resolveDb(options.db)), { requireSchema: true });
      try {
        const chains = await store.listChains();
        process.stdout.write(options.json ? `${JSON.stringify(toJson(chains), null, 2)}\n` : table(chains));
      } finally {
        await store.close();
      }
    });
}

function toJson(chains: ChainSummary[]) {
  const iso = (t: number | null) => (t === null ? null : formatIsoTime(t));
  return chains.map((c) => ({
    ...c,
    firstRawAt: iso(c.firstRawAt),
    lastRawAt: iso(c.lastRawAt),
    lastElaboratedAt: iso(c.lastElaboratedAt),
  }));
}

function table(chains: ChainSummary[]): string {
  if (chains.length === 0) return 'no chains in active_stations\n';
  const time = (t: number | null) => (t === null ? '—' : formatDbTime(t).slice(0, 16));
  const rows = chains.map((c) => [
    `${c.controlUnitCode}-${c.chain}`,
    c.active ? 'yes' : 'no',
    `${c.enabledNodeCount}/${c.nodeCount}`,
    String(c.rawRowCount),
    time(c.firstRawAt),
    time(c.lastRawAt),
    time(c.lastElaboratedAt),
    c.siteName ?? '',
  ]);
  const head = ['chain', 'active', 'nodes', 'raw rows', 'first raw', 'last raw', 'elaborated to', 'site'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`;
  return line(head) + rows.map(line).join('');
}
