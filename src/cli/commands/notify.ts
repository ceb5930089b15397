/**
 * `catena notify list | add | remove | test`: the notification rules of the
 * database (shared by every workstation and the service).
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { ChainKey } from '../../core/domain/chain.ts';
import { isCatenaError } from '../../core/errors.ts';
import { openCatenaService } from '../../core/service/service.ts';
import type { CatenaService } from '../../core/service/types.ts';
import type { NotifyRule, NotifyRuleInput } from '../../core/store/port.ts';
import { formatDbTime } from '../../core/time.ts';
import { ExitCode } from '../errors.ts';
import { parseChain, resolveDb } from '../options.ts';

const METRICS = ['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg', 'stale'];

interface AddOptions {
  db?: string;
  email?: string;
  webhook?: string;
  minLevel: number;
  chain?: ChainKey[];
  metric?: string;
}

async function withService<T>(
  db: string | undefined,
  fn: (service: CatenaService) => Promise<T>,
): Promise<T> {
  const service = await openCatenaService({
    db: resolveDb(db),
    requireSchema: true,
    resumeNotifications: false,
    staleCheckMinutes: 0,
    onNotifyWarning: (w) => process.stderr.write(`catena: ${w}\n`),
  });
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}

function parseLevel(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a level (0, 1, 2, …)`);
  return n;
}

function parseId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a rule id`);
  return n;
}

function parseMetric(value: string): string {
  if (!METRICS.includes(value))
    throw new InvalidArgumentError(`"${value}" is not a metric (${METRICS.join(', ')})`);
  return value;
}

export function describeRule(r: NotifyRule): string {
  const chain = r.controlUnitCode === null ? 'all chains' : `${r.controlUnitCode}:${r.chain ?? '*'}`;
  return `${String(r.id).padStart(4)}  ${r.channel.padEnd(7)} ${r.target}  level ≥ ${r.minLevel}, ${chain}, ${r.metric ?? 'all metrics'}`;
}

export function registerNotify(program: Command): void {
  const notify = program
    .command('notify')
    .description('notification rules: who is told of alarm events, and how');

  notify
    .command('list')
    .description('list the rules')
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .option('--json', 'one JSON document on stdout')
    .action(async (options: { db?: string; json?: boolean }) => {
      const rules = await withService(options.db, (s) => s.notifications.rules());
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify(
            rules.map((r) => ({ ...r, createdAt: formatDbTime(r.createdAt) })),
            null,
            2,
          )}\n`,
        );
      } else {
        process.stdout.write(
          rules.length === 0 ? 'no notification rules\n' : `${rules.map(describeRule).join('\n')}\n`,
        );
      }
    });

  notify
    .command('add')
    .description('add a rule: --email ADDR or --webhook URL')
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .option('--email <address>', 'send e-mail to this address (SMTP server: CATENA_SMTP_URL)')
    .option('--webhook <url>', 'POST JSON to this URL (signed with CATENA_WEBHOOK_SECRET)')
    .option('--min-level <n>', 'events whose level, or previous level, reaches n (default 1)', parseLevel, 1)
    .option('--chain <CU:chain>', 'only this chain (default: all)', parseChain)
    .option('--metric <metric>', `only this metric (${METRICS.join(', ')}; default: all)`, parseMetric)
    .action(async (options: AddOptions, command: Command) => {
      if ((options.email === undefined) === (options.webhook === undefined)) {
        command.error('catena: give exactly one of --email ADDR and --webhook URL');
      }
      if ((options.chain?.length ?? 0) > 1)
        command.error('catena: a rule names one chain (or none, for all)');
      if (options.email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(options.email)) {
        command.error(`catena: "${options.email}" is not an e-mail address`);
      }
      if (options.webhook !== undefined && !/^https?:\/\/\S+$/.test(options.webhook)) {
        command.error(`catena: "${options.webhook}" is not an http(s) URL`);
      }
      const chain = options.chain?.[0] ?? null;
      const rule: NotifyRuleInput = {
        controlUnitCode: chain?.controlUnitCode ?? null,
        chain: chain?.chain ?? null,
        minLevel: options.minLevel,
        metric: options.metric ?? null,
        channel: options.email !== undefined ? 'email' : 'webhook',
        target: (options.email ?? options.webhook)!,
      };
      const saved = await withService(options.db, (s) => s.notifications.addRule(rule));
      process.stdout.write(`added rule ${saved.id}:\n${describeRule(saved)}\n`);
    });

  notify
    .command('remove')
    .description('remove a rule')
    .argument('<id>', 'the rule id (see notify list)', parseId)
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .action(async (id: number, options: { db?: string }) => {
      const removed = await withService(options.db, (s) => s.notifications.removeRule(id));
      if (!removed) {
        process.stderr.write(`catena: there is no rule ${id}; see catena notify list\n`);
        throw new ExitCode(1);
      }
      process.stdout.write(`removed rule ${id}\n`);
    });

  notify
    .command('test')
    .description("send a test message to a rule's target now")
    .argument('<id>', 'the rule id (see notify list)', parseId)
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .action(async (id: number, options: { db?: string }) => {
      await withService(options.db, async (s) => {
        try {
          await s.notifications.test(id);
        } catch (error) {
          if (isCatenaError(error) && error.code === 'NOTIFY_FAILED') {
            process.stderr.write(`catena: ${error.message}\n`);
            throw new ExitCode(1);
          }
          throw error;
        }
      });
      process.stdout.write(`test message sent for rule ${id}\n`);
    });
}
