import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import type { ChainKey } from '../../core/domain/chain.ts';
import { CatenaError } from '../../core/errors.ts';
import { EXPORT_KINDS, type ExportKind, runExport } from '../../core/export/export.ts';
import { openStore } from '../../core/store/open.ts';
import { parseChain, parsePositiveInt, parseTime, resolveDb } from '../options.ts';

/** One progress line on stderr: redrawn in place on a terminal, every few seconds elsewhere. */
export class ProgressLine {
  readonly #out: NodeJS.WriteStream;
  #last = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
  }

  update(text: string, force = false): void {
    const now = performance.now();
    const every = this.#out.isTTY ? 100 : 5000;
    if (!force && now - this.#last < every) return;
    this.#last = now;
    if (this.#out.isTTY) {
      this.#out.write(`\r\x1b[K${text}`);
      this.#drawn = true;
    } else {
      this.#out.write(`${text}\n`);
    }
  }

  close(): void {
    if (this.#drawn) this.#out.write('\r\x1b[K');
    this.#drawn = false;
  }
}

export function bar(fraction: number | null, width = 24): string {
  if (fraction === null) return '';
  const f = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(f * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${(f * 100).toFixed(0).padStart(3)}%`;
}

/**
 * Runs `work` with a signal that Ctrl-C (or a service manager's stop) aborts
 * with CANCELLED and `message`, which the CLI prints as its one sentence.
 */
export async function interruptible<T>(
  message: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const interrupt = () => controller.abort(new CatenaError('CANCELLED', message));
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.once(signal, interrupt);
  try {
    return await work(controller.signal);
  } finally {
    for (const signal of signals) process.off(signal, interrupt);
  }
}

function parseNode(value: string, previous: number[] = []): number[] {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`"${value}" is not a node index (0, 1, …)`);
  return [...previous, n];
}

interface ExportOptions {
  db?: string;
  chain?: ChainKey[];
  format: 'csv' | 'xlsx';
  out: string;
  from?: number;
  to?: number;
  node?: number[];
  localTime?: boolean;
  pageRows?: number;
  at?: number[];
}

function parseAt(value: string, previous: number[] = []): number[] {
  return [...previous, parseTime(value)];
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      'write series, profiles at dates, alarm events or run history of chains to CSV or XLSX, streamed',
    )
    .addArgument(new Argument('<what>', 'series | profiles | events | runs').choices(EXPORT_KINDS))
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .requiredOption('--chain <CU:chain>', 'a chain, e.g. CU001:A (repeat for more)', parseChain)
    .addOption(new Option('--format <format>', 'csv or xlsx').choices(['csv', 'xlsx']).default('csv'))
    .requiredOption('--out <file>', 'the file to write')
    .option('--from <time>', 'first time, UTC (2026-10-01 or 2026-10-01T12:00:00Z)', parseTime)
    .option('--to <time>', 'last time, UTC, inclusive', parseTime)
    .option('--node <n>', 'series, profiles: only this node (repeat for more)', parseNode)
    .option('--at <time>', 'profiles: the profile at this date, UTC (repeat for more)', parseAt)
    .option('--local-time', "times in this machine's time zone (ISO 8601 with offset) instead of UTC")
    .option('--page-rows <n>', 'rows per database read (default 20000)', parsePositiveInt)
    .action(async (what: ExportKind, options: ExportOptions) => {
      const out = resolve(options.out);
      mkdirSync(dirname(out), { recursive: true });
      const store = await openStore(resolveDb(options.db), { requireSchema: true });
      const progress = new ProgressLine();
      try {
        const started = performance.now();
        const result = await interruptible(`export cancelled; ${out} is incomplete`, (signal) =>
          runExport(store, {
            kind: what,
            chains: options.chain ?? [],
            format: options.format,
            out,
            signal,
            from: options.from ?? null,
            to: options.to ?? null,
            nodes: options.node,
            at: options.at,
            time: options.localTime ? 'local' : 'utc',
            pageRows: options.pageRows,
            onProgress: (p) =>
              progress.update(
                `${what} ${p.chain.controlUnitCode}-${p.chain.chain} (${p.chainNumber}/${p.chains}) ${bar(p.fraction)} ${p.rows} rows`,
              ),
          }),
        );
        progress.close();
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stderr.write(`${result.rows} rows written to ${result.out} in ${seconds} s\n`);
      } finally {
        progress.close();
        await store.close();
      }
    });
}
