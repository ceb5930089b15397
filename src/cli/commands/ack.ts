/**
 * `catena ack`: acknowledges a chain's alarm events with a note, as the
 * console's alarm panel does: one event (`--metric M --at TIME`) or every
 * open event of the chain.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { isMetric, METRICS, type Metric } from '../../core/domain/alarms.ts';
import type { ChainKey } from '../../core/domain/chain.ts';
import { chainLabel } from '../../core/domain/chain.ts';
import { openCatenaService } from '../../core/service/service.ts';
import { formatIsoTime } from '../../core/time.ts';
import { ExitCode } from '../errors.ts';
import { parseChain, parseTime, resolveDb } from '../options.ts';

interface AckOptions {
  db?: string;
  chain?: ChainKey[];
  metric?: Metric;
  at?: number;
  note?: string;
  by?: string;
  json?: boolean;
}

function parseMetric(value: string): Metric {
  if (!isMetric(value)) throw new InvalidArgumentError(`"${value}" is not a metric (${METRICS.join(', ')})`);
  return value;
}

export function registerAck(program: Command): void {
  program
    .command('ack')
    .description("acknowledge a chain's alarm events (one, or every open one) with a note")
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .option('--chain <CU:chain>', 'the chain, e.g. CU001:A', parseChain)
    .option('--metric <metric>', `with --at: one event (${METRICS.join(', ')})`, parseMetric)
    .option('--at <time>', 'with --metric: the event time, 2026-10-01T12:00:00Z (UTC)', parseTime)
    .option('--note <text>', 'what was seen or done')
    .option('--by <name>', "the operator's name (default: CATENA_OPERATOR)")
    .option('--json', 'one JSON document on stdout')
    .action(async (options: AckOptions, command: Command) => {
      if ((options.chain?.length ?? 0) !== 1) command.error('catena: name one chain with --chain CU001:A');
      if ((options.metric === undefined) !== (options.at === undefined)) {
        command.error(
          'catena: --metric and --at name one event together: give both, or neither for every open event',
        );
      }
      const by = (options.by ?? process.env.CATENA_OPERATOR ?? '').trim();
      if (by === '') command.error("catena: give the operator's name with --by NAME (or CATENA_OPERATOR)");
      const key = options.chain![0]!;
      const service = await openCatenaService({
        db: resolveDb(options.db),
        requireSchema: true,
        resumeNotifications: false,
        staleCheckMinutes: 0,
        onNotifyWarning: (w) => process.stderr.write(`catena: ${w}\n`),
      });
      try {
        const events =
          options.metric !== undefined && options.at !== undefined
            ? [{ metric: options.metric, timestamp: options.at }]
            : undefined;
        const done = await service.acknowledgeEvents({ key, events, note: options.note ?? null, by });
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ ...done, at: formatIsoTime(done.at) }, null, 2)}\n`);
        } else if (done.acknowledged > 0) {
          process.stdout.write(
            `acknowledged ${done.acknowledged} event(s) of ${chainLabel(done)} as ${done.by}` +
              `${done.note ? `: ${done.note}` : ''}\n`,
          );
        }
        if (done.acknowledged === 0) {
          const what = events ? `${options.metric} at ${formatIsoTime(options.at!)}` : 'open events';
          process.stderr.write(
            `catena: chain ${chainLabel(done)} has no ${events ? `open event ${what}` : what} to acknowledge ` +
              `(already acknowledged, or none; see catena export events)\n`,
          );
          throw new ExitCode(1);
        }
      } finally {
        await service.close();
      }
    });
}
