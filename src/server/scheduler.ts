/**
 * Scheduled launches (`--schedule CRON`, CATENA_SCHEDULE): on every tick of
 * the cron (croner; 5 fields, or 6 with seconds first) an incremental launch
 * of every active chain, through the API host's start (so that chains being
 * elaborated by another launch or another host are left out and listed, as
 * for `POST /trigger`).
 *
 * Never overlapping itself: a tick while the previous scheduled launch still
 * runs is skipped, counted and logged. Every decision is one log line.
 */
import { Cron } from 'croner';
import type { ApiHost, ScheduleView } from '../contract/api.ts';
import { isHostRefusal } from '../contract/errors.ts';
import { chainLabel } from '../core/domain/chain.ts';

type Last = NonNullable<ScheduleView['last']>;

/** The part of pino's logger the scheduler uses. */
export interface ScheduleLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** Why this cron expression cannot be used, or null. */
export function cronProblem(cron: string): string | null {
  try {
    const job = new Cron(cron, { paused: true });
    const next = job.nextRun();
    job.stop();
    if (next === null) return `the schedule "${cron}" never fires`;
    return null;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `the schedule "${cron}" is not a cron expression (${why}); e.g. "*/10 * * * *" for every ten minutes`;
  }
}

const seconds = (date: Date | null) => (date === null ? null : Math.floor(date.getTime() / 1000));

export interface SchedulerOptions {
  host: ApiHost;
  cron: string;
  log: ScheduleLog;
  /** the time zone the cron is read in (default: the process's) */
  timezone?: string;
}

export class Scheduler {
  readonly cron: string;
  readonly timezone: string;
  #host: ApiHost;
  #log: ScheduleLog;
  #job: Cron | null = null;
  #running: string | null = null;
  /** a tick is starting its launch (between the tick and start's answer) */
  #starting = false;
  #last: Last | null = null;
  #ticks = 0;
  #skipped = 0;
  #lastSkippedAt: number | null = null;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    const problem = cronProblem(options.cron);
    if (problem) throw new Error(problem);
    this.cron = options.cron;
    this.timezone = options.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.#host = options.host;
    this.#log = options.log;
  }

  start(): void {
    if (this.#job || this.#stopped) return;
    this.#job = new Cron(this.cron, { timezone: this.timezone, protect: false }, () => void this.tick());
  }

  /** No more ticks (a running launch is left to the caller: shutdown cancels it). */
  stop(): void {
    this.#stopped = true;
    this.#job?.stop();
    this.#job = null;
  }

  /** One tick: the scheduled launch, or a skip when the previous one still runs. Resolves when started. */
  async tick(now = new Date()): Promise<void> {
    if (this.#stopped) return;
    this.#ticks++;
    const at = seconds(now)!;
    if (this.#running !== null || this.#starting) {
      this.#skipped++;
      this.#lastSkippedAt = at;
      this.#log.warn(
        { event: 'schedule-skipped', cron: this.cron, runningLaunchId: this.#running },
        'scheduled launch skipped: the previous scheduled launch is still running',
      );
      return;
    }
    this.#starting = true;
    try {
      const started = await this.#host.start({ chains: 'all-active', mode: 'incremental' });
      this.#running = started.launchId;
      this.#last = {
        launchId: started.launchId,
        at,
        chains: started.chains,
        skipped: started.skipped,
        finishedAt: null,
        outcome: 'running',
      };
      this.#log.info(
        {
          event: 'schedule-launch',
          cron: this.cron,
          launchId: started.launchId,
          chains: started.chains.map(chainLabel),
          skipped: started.skipped.map(chainLabel),
        },
        'scheduled launch started',
      );
      const last = this.#last;
      void this.#host.service
        .whenDone(started.launchId)
        .then((finished) => {
          const statuses = new Set(finished.results.map((r) => r.status));
          last.outcome = statuses.has('failed')
            ? 'failed'
            : statuses.has('cancelled')
              ? 'cancelled'
              : 'succeeded';
        })
        .catch(() => {
          last.outcome = 'failed';
        })
        .finally(() => {
          last.finishedAt = Math.floor(Date.now() / 1000);
          if (this.#running === started.launchId) this.#running = null;
        });
    } catch (error) {
      if (isHostRefusal(error) && error.code === 'CHAIN_RUNNING') {
        // every active chain is being elaborated by another launch (or host): recorded, not failed
        const running = (error.extra.running ?? []) as NonNullable<ScheduleView['last']>['skipped'];
        this.#last = { launchId: null, at, chains: [], skipped: running, finishedAt: at, outcome: 'skipped' };
        this.#log.info(
          { event: 'schedule-launch', cron: this.cron, launchId: null, skipped: running.map(chainLabel) },
          'scheduled launch started nothing: every active chain is already being elaborated',
        );
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.#last = { launchId: null, at, chains: [], skipped: [], finishedAt: at, outcome: 'failed' };
        this.#log.error(
          { event: 'schedule-failed', cron: this.cron, message },
          'scheduled launch could not start',
        );
      }
    } finally {
      this.#starting = false;
    }
  }

  view(): ScheduleView {
    return {
      enabled: true,
      cron: this.cron,
      timezone: this.timezone,
      nextRun: this.#stopped ? null : seconds(this.#nextRun()),
      running: this.#running,
      last: this.#last ? { ...this.#last } : null,
      ticks: this.#ticks,
      skippedTicks: this.#skipped,
      lastSkippedAt: this.#lastSkippedAt,
    };
  }

  #nextRun(): Date | null {
    if (this.#job) return this.#job.nextRun();
    const probe = new Cron(this.cron, { paused: true, timezone: this.timezone });
    const next = probe.nextRun();
    probe.stop();
    return next;
  }
}

/** The schedule of a host started without one. */
export const NO_SCHEDULE: ScheduleView = {
  enabled: false,
  cron: null,
  timezone: null,
  nextRun: null,
  running: null,
  last: null,
  ticks: 0,
  skippedTicks: 0,
  lastSkippedAt: null,
};
