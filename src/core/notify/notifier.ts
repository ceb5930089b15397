/**
 * The notifier, fed by the engine's alarm seam (`alarms-raised`): matches
 * the rules of the database, claims each (event, level, rule) delivery with
 * a unique key before sending (so it is sent once across processes), sends
 * with a bounded concurrency, retries transient failures with exponential
 * backoff and records every attempt in the delivery log. Claims that a dead
 * process left unsent are taken over and sent by `resume()`.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AlarmEvent, isMetric } from '../domain/alarms.ts';
import type { ChainKey } from '../domain/chain.ts';
import { chainLabel } from '../domain/chain.ts';
import type { ChainSetup } from '../domain/configuration.ts';
import type { EngineEvent } from '../engine/events.ts';
import type { DeliveryClaim, NotifyChannel, NotifyRule, Store } from '../store/port.ts';
import { type Channel, DeliveryError } from './channels.ts';
import { consoleLink, type Lang, type Notification, type NotificationEvent } from './message.ts';
import { matches } from './rules.ts';

export interface RetryOptions {
  /** attempts in all, the first included (default 5) */
  attempts: number;
  /** wait before the second attempt; doubles each time (default 500 ms) */
  baseMs: number;
  /** longest wait (default 30 s) */
  maxMs: number;
}

export interface NotifierOptions {
  store: Pick<
    Store,
    | 'listNotifyRules'
    | 'claimDeliveries'
    | 'updateDelivery'
    | 'renewDeliveryClaims'
    | 'takeOverDeliveries'
    | 'readChainSetup'
    | 'markNotified'
    | 'databaseNow'
  >;
  channels: Partial<Record<NotifyChannel, Channel>>;
  /**
   * Deliveries sent at once, per channel (DEFAULT_CONCURRENCY: 64 each); a
   * number bounds every channel alike. Sends are I/O waits (an SMTP dialogue,
   * an HTTP POST), so the bound is what the far side accepts at once, not
   * this machine's cores.
   */
  concurrency?: number | Partial<Record<NotifyChannel, number>>;
  retry?: Partial<RetryOptions>;
  /**
   * A claim not renewed for this long belongs to a process that died;
   * resume() takes it over (default 60 s). A live notifier renews its
   * unfinished claims every third of it.
   */
  resumeAfterSeconds?: number;
  /** long-running hosts: call resume() this often (default: never; only when the host calls it) */
  resumeEverySeconds?: number;
  /** the console's base URL for links (CATENA_CONSOLE_URL) */
  consoleUrl?: string | null;
  /** the language of the messages (CATENA_LANG: en, it; default en) */
  lang?: Lang;
  /** warnings for the host's log */
  log?: (message: string) => void;
}

export interface NotifierStats {
  claimed: number;
  sent: number;
  failed: number;
  /** deliveries claimed and not yet sent or failed (queued, sending, or waiting to retry) */
  pending: number;
}

/** An alarm event, or a stale-data episode's start or end (metric `stale`). */
export interface NotifiableEvent extends Omit<AlarmEvent, 'metric'> {
  metric: AlarmEvent['metric'] | 'stale';
}

interface Job {
  claim: DeliveryClaim;
  attempts: number;
}

const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseMs: 500, maxMs: 30_000 };

/**
 * 64 SMTP connections to one server (below the usual per-client limits of
 * mail servers, e.g. Postfix's 50 + queueing, Exchange's 100) and 64 POSTs:
 * 200 e-mails that take 500 ms each go out in ≈2 s (npm run bench:notify).
 */
/** how long a chain's site name and node depths read for a message are used again */
const SETUP_CACHE_MS = 10_000;

export const DEFAULT_CONCURRENCY: Readonly<Record<NotifyChannel, number>> = { email: 64, webhook: 64 };

export class Notifier {
  readonly #options: NotifierOptions;
  readonly #token = randomUUID();
  readonly #retry: RetryOptions;
  readonly #concurrency: Record<NotifyChannel, number>;
  readonly #queue: Job[] = [];
  readonly #activeBy: Record<NotifyChannel, number> = { email: 0, webhook: 0 };
  readonly #closing = new AbortController();
  readonly #idleWaiters = new Set<() => void>();
  /** notify() and resume() calls still claiming */
  #intake = 0;
  /** deliveries started and not yet recorded (sending, waiting to retry, or being recorded) */
  #active = 0;
  #stats: NotifierStats = { claimed: 0, sent: 0, failed: 0, pending: 0 };
  #warnedMissing = new Set<NotifyChannel>();
  readonly #channels: Partial<Record<NotifyChannel, Channel>>;
  readonly #byEvent = new Map<string, { left: number; sent: boolean }>();
  #notifiedAtMissing = false;
  readonly #setups = new Map<string, { at: number; setup: Promise<ChainSetup | null> }>();

  #renewTimer: ReturnType<typeof setInterval> | null = null;
  #resumeTimer: ReturnType<typeof setInterval> | null = null;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#channels = { ...options.channels };
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    const c = options.concurrency;
    const bound = (kind: NotifyChannel) =>
      Math.max(1, Math.floor((typeof c === 'number' ? c : c?.[kind]) ?? DEFAULT_CONCURRENCY[kind]));
    this.#concurrency = { email: bound('email'), webhook: bound('webhook') };
    if (options.resumeEverySeconds) {
      this.#resumeTimer = setInterval(() => {
        this.resume().catch((error: unknown) => this.#warn(`resuming notifications: ${message(error)}`));
      }, options.resumeEverySeconds * 1000);
      this.#resumeTimer.unref();
    }
  }

  get #leaseSeconds(): number {
    return this.#options.resumeAfterSeconds ?? 60;
  }

  /** While deliveries are unfinished, their claims are renewed so no other process takes them over. */
  #renewWhileBusy(): void {
    if (this.#busy() && !this.#renewTimer && !this.#closing.signal.aborted) {
      const every = Math.max(1_000, (this.#leaseSeconds * 1000) / 3);
      this.#renewTimer = setInterval(() => {
        this.#options.store
          .renewDeliveryClaims(this.#token)
          .catch((error: unknown) => this.#warn(`renewing notification claims: ${message(error)}`));
      }, every);
      this.#renewTimer.unref();
    } else if (!this.#busy() && this.#renewTimer) {
      clearInterval(this.#renewTimer);
      this.#renewTimer = null;
    }
  }

  /** the channels this process can send through */
  get channels(): NotifyChannel[] {
    return (['email', 'webhook'] as const).filter((kind) => this.#channels[kind] !== undefined);
  }

  /**
   * Replaces a channel (e.g. the SMTP server set in the app); the old one is
   * closed once nothing is sent through it any more. Deliveries sent from
   * now on use the new one; null removes the channel.
   */
  setChannel(kind: NotifyChannel, channel: Channel | null): void {
    const old = this.#channels[kind];
    if (channel) this.#channels[kind] = channel;
    else delete this.#channels[kind];
    this.#warnedMissing.delete(kind);
    // an SMTP pool closes its idle connections at once and those in use after their message
    old?.close?.();
  }

  /** This process's claim token (the delivery log's claimToken). */
  get token(): string {
    return this.#token;
  }

  get stats(): NotifierStats {
    return { ...this.#stats };
  }

  /** The engine's event listener: `alarms-raised` events are notified, the rest ignored. */
  readonly handle = (event: EngineEvent): void => {
    if (event.type !== 'alarms-raised') return;
    this.notify(event, event.events).catch((error: unknown) =>
      this.#warn(`notifications of chain ${chainLabel(event)} were not claimed: ${message(error)}`),
    );
  };

  /** Matches the rules, claims the deliveries and queues the ones this process claimed. */
  async notify(key: ChainKey, events: readonly NotifiableEvent[]): Promise<number> {
    if (this.#closing.signal.aborted || events.length === 0) return 0;
    this.#intake++;
    try {
      const rules = await this.#options.store.listNotifyRules();
      const claims: DeliveryClaim[] = [];
      for (const event of events) {
        for (const rule of rules) {
          if (!matches(rule, key, event) || !this.#channelFor(rule.channel)) continue;
          claims.push(claimOf(key, event, rule));
        }
      }
      if (claims.length === 0) return 0;
      const mine = await this.#options.store.claimDeliveries(claims, this.#token);
      for (const claim of mine) this.#enqueue({ claim, attempts: 0 });
      return mine.length;
    } finally {
      this.#intake--;
      this.#pump();
    }
  }

  /** Takes over and sends the deliveries a process left claimed but unsent; returns how many. */
  async resume(): Promise<number> {
    if (this.#closing.signal.aborted) return 0;
    this.#intake++;
    try {
      const stale = await this.#options.store.takeOverDeliveries(this.#token, this.#leaseSeconds);
      for (const d of stale) this.#enqueue({ claim: d, attempts: d.attempts });
      return stale.length;
    } finally {
      this.#intake--;
      this.#pump();
    }
  }

  /** Sends a test message through a rule's channel to its target, now (not logged, not retried). */
  async test(rule: NotifyRule): Promise<void> {
    const channel = this.#channelFor(rule.channel);
    if (!channel) throw new DeliveryError(missingText(rule.channel), false);
    const key = {
      controlUnitCode: rule.controlUnitCode ?? 'CU000',
      chain: rule.chain ?? 'A',
    };
    const event: NotificationEvent = {
      ...key,
      metric: rule.metric ?? 'cumulative_mm',
      timestamp: Math.floor(Date.now() / 1000),
      level: Math.max(1, rule.minLevel),
      previousLevel: 0,
      nodeIndex: 1,
      value: 12.3,
    };
    await channel.send(rule.target, {
      kind: 'test',
      event,
      siteName: 'Test',
      depthM: null,
      link: consoleLink(this.#options.consoleUrl ?? null, key),
      lang: this.#options.lang ?? 'en',
    });
  }

  /**
   * Resolves when nothing is queued, sending or being claimed, or after
   * `timeoutMs`; returns the stats (pending > 0 when it timed out).
   */
  async idle(timeoutMs = Number.POSITIVE_INFINITY): Promise<NotifierStats> {
    if (!this.#busy()) return this.stats;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#idleWaiters.delete(done);
        resolve();
      };
      const timer = Number.isFinite(timeoutMs) ? setTimeout(done, timeoutMs) : undefined;
      this.#idleWaiters.add(done);
    });
    return this.stats;
  }

  /**
   * Stops: waits up to `graceMs` for what is being sent, then gives up. What
   * was not sent stays claimed in the log, and the next process resumes it.
   */
  async close(graceMs = 5_000): Promise<NotifierStats> {
    const stats = await this.idle(graceMs);
    this.#closing.abort();
    this.#queue.length = 0;
    if (this.#renewTimer) clearInterval(this.#renewTimer);
    if (this.#resumeTimer) clearInterval(this.#resumeTimer);
    this.#renewTimer = null;
    this.#resumeTimer = null;
    for (const channel of Object.values(this.#channels)) channel?.close?.();
    return stats;
  }

  #channelFor(kind: NotifyChannel): Channel | undefined {
    const channel = this.#channels[kind];
    if (!channel && !this.#warnedMissing.has(kind)) {
      this.#warnedMissing.add(kind);
      // Not claimed: a process (the service, another workstation) that has the channel sends it.
      this.#warn(`${missingText(kind)}; rules of that channel are left to a process that has it`);
    }
    return channel;
  }

  #enqueue(job: Job): void {
    this.#track(job.claim);
    this.#stats.claimed++;
    this.#stats.pending++;
    this.#queue.push(job);
  }

  #busy(): boolean {
    return this.#intake > 0 || this.#active > 0 || this.#queue.length > 0;
  }

  #pump(): void {
    // In claim order, each job as soon as its channel has room (a full channel does not hold the other).
    for (let i = 0; i < this.#queue.length && !this.#closing.signal.aborted; ) {
      const kind = this.#queue[i]!.claim.channel;
      if (this.#activeBy[kind] >= this.#concurrency[kind]) {
        i++;
        continue;
      }
      const job = this.#queue.splice(i, 1)[0]!;
      this.#active++;
      this.#activeBy[kind]++;
      // The bound is on the far side (SMTP connections, POSTs): a slot is free again as soon as the
      // message is accepted, while its outcome is recorded in the database (#active counts it until then).
      let slotHeld = true;
      const freeSlot = () => {
        if (!slotHeld) return;
        slotHeld = false;
        this.#activeBy[kind]--;
        this.#pump();
      };
      this.#deliver(job, freeSlot)
        .then(
          (outcome) => this.#finished(job.claim, outcome),
          (error: unknown) => {
            this.#warn(`a notification was not recorded: ${message(error)}`);
            return this.#finished(job.claim, 'left');
          },
        )
        .finally(() => {
          this.#active--;
          if (slotHeld) freeSlot();
          else this.#pump();
        });
    }
    this.#renewWhileBusy();
    if (!this.#busy()) for (const resolve of [...this.#idleWaiters]) resolve();
  }

  /** An event's deliveries in this process: when the last is done and one was sent, the event is notified. */
  #track(claim: DeliveryClaim): void {
    const id = eventIdOf(claim);
    const entry = this.#byEvent.get(id) ?? { left: 0, sent: false };
    entry.left++;
    this.#byEvent.set(id, entry);
  }

  async #finished(claim: DeliveryClaim, outcome: 'sent' | 'failed' | 'left'): Promise<void> {
    const id = eventIdOf(claim);
    const entry = this.#byEvent.get(id);
    if (!entry) return;
    entry.left--;
    if (outcome === 'sent') entry.sent = true;
    if (entry.left > 0) return;
    this.#byEvent.delete(id);
    // rsn_alarm_events.notifiedAt: the time its deliveries were done (stale episodes have no event row)
    if (!entry.sent || !isMetric(claim.metric) || this.#notifiedAtMissing) return;
    const { store } = this.#options;
    try {
      const at = await store.databaseNow();
      await store.markNotified(
        claim,
        [
          {
            metric: claim.metric,
            timestamp: claim.timestamp,
            level: claim.level,
            previousLevel: claim.previousLevel,
            nodeIndex: claim.nodeIndex,
            value: claim.value,
          },
        ],
        at,
      );
    } catch (error) {
      // a legacy table without notifiedAt: the deliveries are logged all the same
      this.#notifiedAtMissing = /notifiedAt/i.test(message(error));
      this.#warn(`the alarm event was notified but notifiedAt was not recorded: ${message(error)}`);
    }
  }

  async #deliver(job: Job, freeSlot: () => void): Promise<'sent' | 'failed' | 'left'> {
    const { claim } = job;
    const { store } = this.#options;
    const notification = await this.#notification(claim);
    for (;;) {
      job.attempts++;
      // each attempt through the channel as it is now (a retry goes through an SMTP server set meanwhile)
      const channel = this.#channels[claim.channel];
      let error: DeliveryError | null = null;
      try {
        if (!channel) throw new DeliveryError(missingText(claim.channel), false);
        await channel.send(claim.target, notification);
        freeSlot();
      } catch (e) {
        error = e instanceof DeliveryError ? e : new DeliveryError(message(e), false, { cause: e });
      }
      const retry = error?.transient === true && job.attempts < this.#retry.attempts;
      const status = error === null ? 'sent' : retry ? 'claimed' : 'failed';
      const held = await store.updateDelivery(claim, this.#token, {
        attempts: job.attempts,
        status,
        lastError: error?.message ?? null,
      });
      if (status !== 'claimed' || !held) {
        this.#stats.pending--;
        if (status === 'sent') this.#stats.sent++;
        else if (status === 'failed') {
          this.#stats.failed++;
          this.#warn(
            `notification to ${claim.target} failed after ${job.attempts} attempt(s): ${error?.message}`,
          );
        }
        return status === 'claimed' ? 'left' : status;
      }
      const wait = Math.min(this.#retry.maxMs, this.#retry.baseMs * 2 ** (job.attempts - 1));
      try {
        await sleep(wait * (0.75 + Math.random() * 0.5), undefined, { signal: this.#closing.signal });
      } catch {
        // closing: the delivery stays claimed and the next process resumes it
        this.#stats.pending--;
        return 'left';
      }
    }
  }

  /** A chain's setup, read once for the deliveries of a burst (many rules, many events), not once each. */
  #setup(key: ChainKey): Promise<ChainSetup | null> {
    const label = chainLabel(key).toLowerCase();
    const now = Date.now();
    const cached = this.#setups.get(label);
    if (cached && now - cached.at < SETUP_CACHE_MS) return cached.setup;
    const setup = this.#options.store.readChainSetup(key).catch(() => null);
    this.#setups.set(label, { at: now, setup });
    if (this.#setups.size > 1_000) this.#setups.delete(this.#setups.keys().next().value!);
    return setup;
  }

  async #notification(claim: DeliveryClaim): Promise<Notification> {
    const setup = await this.#setup(claim);
    const node = setup?.nodes.find((n) => n.nodeIndex === claim.nodeIndex);
    return {
      kind: 'alarm',
      event: claim,
      siteName: setup?.station.siteName ?? null,
      depthM: node?.depthM ?? null,
      link: consoleLink(this.#options.consoleUrl ?? null, claim),
      lang: this.#options.lang ?? 'en',
    };
  }

  #warn(text: string): void {
    this.#options.log?.(text);
  }
}

function claimOf(key: ChainKey, event: NotifiableEvent, rule: NotifyRule): DeliveryClaim {
  return {
    controlUnitCode: key.controlUnitCode,
    chain: key.chain,
    metric: event.metric,
    timestamp: event.timestamp,
    level: event.level,
    ruleId: rule.id,
    previousLevel: event.previousLevel,
    nodeIndex: event.nodeIndex,
    value: event.value,
    channel: rule.channel,
    target: rule.target,
  };
}

function eventIdOf(c: DeliveryClaim): string {
  return JSON.stringify([
    c.controlUnitCode.toLowerCase(),
    c.chain.toLowerCase(),
    c.metric,
    c.timestamp,
    c.level,
  ]);
}

function missingText(kind: NotifyChannel): string {
  return kind === 'email'
    ? 'no SMTP server is configured for e-mail notifications (set CATENA_SMTP_URL)'
    : 'webhooks are not available in this process';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
