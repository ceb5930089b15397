import type { Command } from 'commander';
import { openCatenaService } from '../../core/service/service.ts';
import type { ChainOverview } from '../../core/service/types.ts';
import { formatDbTime, formatIsoTime } from '../../core/time.ts';
import { resolveDb } from '../options.ts';

export function registerStations(program: Command): void {
  program
    .command('stations')
    .description('list the chains of active_stations with their nodes, raw rows and time spans')
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .option('--json', 'one JSON document on stdout')
    .action(async (options: { db?: string; json?: boolean }) => {
      const service = await openCatenaService({
        db: resolveDb(options.db),
        requireSchema: true,
        staleCheckMinutes: 0,
      });
      try {
        const chains = await service.listChains();
        process.stdout.write(options.json ? `${JSON.stringify(toJson(chains), null, 2)}\n` : table(chains));
      } finally {
        await service.close();
      }
    });
}

function toJson(chains: ChainOverview[]) {
  const iso = (t: number | null) => (t === null ? null : formatIsoTime(t));
  return chains.map((c) => ({
    ...c,
    firstRawAt: iso(c.firstRawAt),
    lastRawAt: iso(c.lastRawAt),
    lastElaboratedAt: iso(c.lastElaboratedAt),
    pendingRun: c.pendingRun && { ...c.pendingRun, committedTo: iso(c.pendingRun.committedTo) },
  }));
}

function table(chains: ChainOverview[]): string {
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
    outputsNote(c),
    c.siteName ?? '',
  ]);
  const head = [
    'chain',
    'active',
    'nodes',
    'raw rows',
    'first raw',
    'last raw',
    'elaborated to',
    'outputs',
    'site',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}\n`;
  return line(head) + rows.map(line).join('');
}

/** Whether the stored outputs can be trusted as they are, in a word or two. */
function outputsNote(c: ChainOverview): string {
  if (c.pendingRun)
    return `${c.pendingRun.mode} run ${c.pendingRun.runId} ${c.pendingRun.status}: next run finishes it`;
  switch (c.outputs) {
    case 'changed':
      return 're-elaboration needed (configuration changed)';
    case 'invalid':
      return 'configuration invalid';
    case 'unknown':
      return 'configuration not recorded';
    case 'none':
      return '—';
    default:
      return 'current';
  }
}
