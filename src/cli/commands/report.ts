import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { type ChainKey, chainLabel } from '../../core/domain/chain.ts';
import { CatenaError } from '../../core/errors.ts';
import { LANGS, type Lang, langFromEnv } from '../../core/lang.ts';
import { buildChainReport } from '../../core/report/report.ts';
import { openStore } from '../../core/store/open.ts';
import { formatIsoTime } from '../../core/time.ts';
import { parseChain, parseTime, resolveDb } from '../options.ts';
import { interruptible, ProgressLine } from './export.ts';

interface ReportCliOptions {
  db?: string;
  chain: ChainKey[];
  from?: number;
  to?: number;
  dates?: number[];
  node?: number[];
  lang?: Lang;
  out: string;
}

function parseReportLang(value: string): Lang {
  const lang = value.trim().toLowerCase();
  if (!(LANGS as readonly string[]).includes(lang))
    throw new InvalidArgumentError(`"${value}" is not a report language; give ${LANGS.join(' or ')}`);
  return lang as Lang;
}

function parseDates(value: string): number[] {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0)
    throw new InvalidArgumentError('give at least one date, e.g. 2026-10-01,2026-10-15');
  return parts.map(parseTime);
}

function parseNode(value: string, previous: number[] = []): number[] {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`"${value}" is not a node index (0, 1, …)`);
  return [...previous, n];
}

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of its path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EROFS':
      return 'the disk is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write a chain report as PDF: profiles, series with thresholds, alarm events, data quality and parameters',
    )
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .requiredOption('--chain <CU:chain>', 'the chain, e.g. CU001:A', parseChain)
    .option('--from <time>', 'first time, UTC (default: the first elaborated row)', parseTime)
    .option('--to <time>', 'last time, UTC, inclusive (default: the last elaborated row)', parseTime)
    .option(
      '--dates <list>',
      'profile dates, comma-separated (default: the reference, mid-period and the latest)',
      parseDates,
    )
    .option(
      '--node <n>',
      'a node whose series is drawn (repeat for more; default: the one that moved most and the top node)',
      parseNode,
    )
    .option(
      '--lang <en|it>',
      "the report's language (default: CATENA_LANG, else the system locale, else en)",
      parseReportLang,
    )
    .requiredOption('--out <file.pdf>', 'the PDF to write')
    .action(async (options: ReportCliOptions) => {
      if (options.chain.length !== 1) {
        throw new CatenaError('PROFILE_INVALID', 'a report is of one chain: give --chain once');
      }
      const key = options.chain[0]!;
      const out = resolve(options.out);
      // the file is written beside its final name and renamed when complete: a failed report leaves nothing
      const partial = `${out}.partial`;
      let fd: number;
      try {
        mkdirSync(dirname(out), { recursive: true });
        fd = openSync(partial, 'w');
      } catch (error) {
        throw new CatenaError('DATA_INVALID', `cannot write ${out}: ${why(error)}; choose another --out`);
      }
      const progress = new ProgressLine();
      let complete = false;
      try {
        const store = await openStore(resolveDb(options.db), { requireSchema: true });
        try {
          const started = performance.now();
          const report = await interruptible(`report cancelled; ${out} was not written`, (signal) =>
            buildChainReport(store, {
              key,
              from: options.from ?? null,
              to: options.to ?? null,
              dates: options.dates,
              nodes: options.node,
              lang: options.lang ?? langFromEnv(process.env),
              signal,
              onProgress: (step) => progress.update(`report ${chainLabel(key)}: ${step}`, true),
            }),
          );
          progress.close();
          try {
            writeSync(fd, report.bytes);
            closeSync(fd);
            renameSync(partial, out);
          } catch (error) {
            throw new CatenaError('DATA_INVALID', `cannot write ${out}: ${why(error)}; choose another --out`);
          }
          complete = true;
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          process.stderr.write(
            `report of ${chainLabel(key)} from ${formatIsoTime(report.from)} to ${formatIsoTime(report.to)}: ` +
              `${report.pages} pages, ${report.events} alarm events, ${report.bytes.length} bytes written to ${out} in ${seconds} s\n`,
          );
        } finally {
          await store.close();
        }
      } finally {
        progress.close();
        if (!complete) {
          try {
            closeSync(fd);
          } catch {
            // already closed
          }
          rmSync(partial, { force: true });
        }
      }
    });
}
