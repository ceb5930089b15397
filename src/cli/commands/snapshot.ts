import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { type ChainKey, chainLabel } from '../../core/domain/chain.ts';
import { CatenaError } from '../../core/errors.ts';
import { takeSnapshot } from '../../core/export/snapshot.ts';
import { openStore } from '../../core/store/open.ts';
import { parseProfile } from '../../core/store/profile.ts';
import { formatIsoTime } from '../../core/time.ts';
import { parseChain, parsePositiveInt, parseTime, resolveDb } from '../options.ts';
import { bar, interruptible, ProgressLine } from './export.ts';

interface SnapshotOptions {
  db?: string;
  out: string;
  chain?: ChainKey[];
  from?: number;
  to?: number;
  withRaw?: boolean;
  pageRows?: number;
}

export function registerSnapshot(program: Command): void {
  program
    .command('snapshot')
    .description(
      'copy chains (configuration, elaborated rows, alarm events, run history) into an SQLite file for offline review; run again to copy only what is new',
    )
    .option('--db <url>', 'source database URL (default: CATENA_DB)')
    .requiredOption('--out <file.db>', 'the snapshot file (created, or brought up to date)')
    .option('--chain <CU:chain>', 'a chain, e.g. CU001:A (repeat for more; default: every chain)', parseChain)
    .option('--from <time>', 'first time, UTC (2026-10-01 or 2026-10-01T12:00:00Z)', parseTime)
    .option('--to <time>', 'last time, UTC, inclusive', parseTime)
    .option('--with-raw', 'copy the raw readings too')
    .option('--page-rows <n>', 'rows per database read (default 20000)', parsePositiveInt)
    .action(async (options: SnapshotOptions) => {
      const out = resolve(options.out);
      mkdirSync(dirname(out), { recursive: true });
      const db = resolveDb(options.db);
      const profile = parseProfile(db);
      if (profile.kind === 'sqlite' && resolve(profile.path) === out) {
        throw new CatenaError(
          'PROFILE_INVALID',
          `the snapshot file ${out} is the source database; choose another --out`,
        );
      }
      const source = await openStore(profile, { requireSchema: true });
      const progress = new ProgressLine();
      try {
        const target = await openStore(`sqlite:${out}`, { migrate: true, snapshotWrites: true });
        try {
          const started = performance.now();
          const cancelled = `snapshot cancelled; what was copied stays in ${out}, and the next snapshot goes on from there`;
          const result = await interruptible(cancelled, (signal) =>
            takeSnapshot(source, target, {
              signal,
              chains: options.chain,
              from: options.from ?? null,
              to: options.to ?? null,
              withRaw: options.withRaw === true,
              pageRows: options.pageRows,
              onProgress: (p) =>
                progress.update(
                  `${chainLabel(p.chain)} (${p.chainNumber}/${p.chains}) ${p.step.padEnd(13)} ${bar(p.fraction)} ${p.rows} rows`,
                ),
            }),
          );
          progress.close();
          for (const c of result.chains) {
            const raw = options.withRaw ? `, ${c.rawRows} raw rows` : '';
            const rows =
              c.elaboratedRows === 0 || c.elaboratedFrom === null
                ? 'no new elaborated rows'
                : `${c.elaboratedRows} elaborated rows from ${formatIsoTime(c.elaboratedFrom)}`;
            process.stdout.write(
              `${chainLabel(c).padEnd(10)} ${rows}, ${c.events} events, ${c.runsCopied} new runs${raw}\n`,
            );
          }
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          process.stdout.write(
            `snapshot of ${result.source} at ${formatIsoTime(result.takenAt)} written to ${out} (${seconds} s)\n`,
          );
        } finally {
          await target.close();
        }
      } finally {
        progress.close();
        await source.close();
      }
    });
}
