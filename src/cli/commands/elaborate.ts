import { type Command, Option } from 'commander';
import type { ChainKey } from '../../core/domain/chain.ts';
import { chainLabel } from '../../core/domain/chain.ts';
import type { RunMode } from '../../core/domain/runs.ts';
import type { ChainResult, LaunchRequest } from '../../core/engine/events.ts';
import { openCatenaService } from '../../core/service/service.ts';
import { formatIsoTime } from '../../core/time.ts';
import { ExitCode, logUnexpected } from '../errors.ts';
import { parseChain, parsePositiveInt, parseTime, resolveDb } from '../options.ts';
import { ProgressView } from '../progress-view.ts';

interface ElaborateOptions {
  db?: string;
  all?: boolean;
  chain?: ChainKey[];
  mode: RunMode;
  from?: number;
  to?: number;
  concurrency?: number;
  json?: boolean;
}

export function registerElaborate(program: Command): void {
  program
    .command('elaborate')
    .description('elaborate chains: calibration, tilt, compensation, despike, displacements, alarms')
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .option('--all', 'every active chain')
    .option('--chain <CU:chain>', 'a chain, e.g. CU001:A (repeatable)', parseChain)
    .addOption(
      new Option('--mode <mode>', 'what to elaborate')
        .choices(['incremental', 'range', 'full'])
        .default('incremental'),
    )
    .option('--from <time>', 'range start, UTC (2026-10-01 or 2026-10-01T12:00:00Z)', parseTime)
    .option('--to <time>', 'range end, inclusive, UTC', parseTime)
    .option('--concurrency <n>', 'chains at once', parsePositiveInt)
    .option('--json', 'one JSON document on stdout instead of the report')
    .action(async (options: ElaborateOptions, command: Command) => {
      const request = toRequest(options, command);
      const service = await openCatenaService({
        db: resolveDb(options.db),
        concurrency: options.concurrency,
        onUnexpected: (error) => logUnexpected(error),
        onNotifyWarning: (warning) => process.stderr.write(`catena: ${warning}\n`),
        // stale data is watched by the long-running hosts (desktop, catena serve), not by one batch run
        staleCheckMinutes: 0,
      });
      const view = options.json ? null : new ProgressView();
      const unsubscribe = service.onEvent((e) => view?.handle(e));
      // Ctrl-C, or a service manager's stop: the launch is cancelled at a batch boundary and recorded as cancelled.
      const interrupt = () => {
        for (const id of service.runningLaunches()) service.cancel(id);
      };
      const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      for (const signal of signals) process.once(signal, interrupt);
      try {
        const launch = await service.launch(request);
        const finished = await service.whenDone(launch.launchId);
        view?.close();
        // The launch's notifications are sent before the process exits (bounded): what is left stays
        // claimed in the delivery log and the next Catena process resumes it.
        const notified = await service.notifications.settle(NOTIFY_WAIT_MS);
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ ...toJson(finished.results, finished.durationMs), notifications: notified }, null, 2)}\n`
            : report(finished.results) + notifyReport(notified),
        );
        if (finished.results.some((r) => r.status !== 'succeeded')) throw new ExitCode(1);
      } finally {
        for (const signal of signals) process.off(signal, interrupt);
        unsubscribe();
        await service.close();
      }
    });
}

/** How long `elaborate` waits for its notifications before exiting. */
const NOTIFY_WAIT_MS = 60_000;

function notifyReport(s: { claimed: number; sent: number; failed: number; pending: number }): string {
  if (s.claimed === 0) return '';
  const parts = [`${s.sent} sent`];
  if (s.failed > 0) parts.push(`${s.failed} failed (see the delivery log)`);
  if (s.pending > 0) parts.push(`${s.pending} not sent yet (the next Catena process sends them)`);
  return `notifications: ${parts.join(', ')}\n`;
}

function toRequest(options: ElaborateOptions, command: Command): LaunchRequest {
  if (!options.all && !options.chain?.length)
    command.error('catena: name the chains with --chain CU001:A, or pass --all');
  if (options.all && options.chain?.length) command.error('catena: --all and --chain exclude each other');
  if (options.mode === 'range' && (options.from === undefined || options.to === undefined)) {
    command.error('catena: --mode range needs --from and --to');
  }
  if (options.mode !== 'range' && (options.from !== undefined || options.to !== undefined)) {
    command.error('catena: --from and --to go with --mode range');
  }
  return {
    chains: options.all ? 'all-active' : options.chain!,
    mode: options.mode,
    from: options.from,
    to: options.to,
    concurrency: options.concurrency,
  };
}

function toJson(results: ChainResult[], durationMs: number) {
  const iso = (t: number | null) => (t === null ? null : formatIsoTime(t));
  return {
    ok: results.every((r) => r.status === 'succeeded'),
    durationMs,
    chains: results.map((r) => ({ ...r, chain: r.chain, spanFrom: iso(r.spanFrom), spanTo: iso(r.spanTo) })),
  };
}

function report(results: ChainResult[]): string {
  const lines = results.map((r) => {
    const seconds = (r.durationMs / 1000).toFixed(1);
    if (r.status === 'succeeded') {
      const warn = r.warnings.length ? `  ⚠ ${r.warnings.join('; ')}` : '';
      return `✅ ${chainLabel(r).padEnd(12)} ${String(r.rowsWritten).padStart(9)} rows  ${String(r.eventsCreated).padStart(4)} new events  ${seconds} s${warn}`;
    }
    const mark = r.status === 'cancelled' ? '⏹' : '❌';
    return `${mark} ${chainLabel(r).padEnd(12)} ${r.status} in ${r.phase ?? '?'} after ${seconds} s: ${r.message ?? ''}`;
  });
  const failed = results.filter((r) => r.status !== 'succeeded').length;
  lines.push(
    failed === 0
      ? `${results.length} chains elaborated`
      : `${failed} of ${results.length} chains did not succeed`,
  );
  return `${lines.join('\n')}\n`;
}
