/**
 * The subscriptions of WebSocket `/api/v1/stream` (src/contract/stream.ts).
 *
 * One hub per server, one listener on the engine's events for all clients:
 *
 * - `launches`: every engine event, as it comes. A client whose socket has
 *   more than `slowClientBytes` unsent is left out of progress (and live
 *   values) until it catches up; it never holds the engine back, since
 *   sends only queue.
 * - `live`: a chain with subscribers is read when the engine reports that a
 *   batch was committed (a `chain-progress` whose rowsWritten grew, or the
 *   chain's end), debounced per chain: ONE read of every row from the
 *   newest timestamp pushed before on (that one included: a re-run may
 *   have rewritten it; at most `rowsMax`, the newest), merged into the
 *   chain's cached newest row per node, and pushed to every subscriber as
 *   the rows plus the newest per node. A batch that commits many
 *   timestamps arrives whole, not only its last one. No client ever causes
 *   a read by waiting; a new subscriber gets the cached values (or one read
 *   of `latest` when the chain is new to the hub). A client that missed a
 *   message (it lagged) gets its next one marked `complete: false`, so it
 *   reads its window again.
 * - `alarms`: when a run that created alarm events finishes, one read of
 *   those events, pushed to every subscriber.
 */
import type { WebSocket } from 'ws';
import type { ApiHost } from '../contract/api.ts';
import { badRequest, formatIssues, toWireError } from '../contract/dispatch.ts';
import {
  type LiveMessage,
  liveSubscriptionSchema,
  type StreamClientMessage,
  type StreamServerMessage,
  streamClientMessageSchema,
} from '../contract/stream.ts';
import { type ChainKey, chainLabel } from '../core/domain/chain.ts';
import type { EngineEvent } from '../core/engine/events.ts';
import { isCatenaError } from '../core/errors.ts';
import type { CatenaService } from '../core/service/types.ts';
import { type LatestRow, latestRows, rowsOf } from './series.ts';

export interface StreamOptions {
  /** bufferedAmount above which progress and live values are not sent to a client */
  slowClientBytes: number;
  /** how long a chain's live read waits for more commits */
  debounceMs: number;
  /** at most this many rows per live message (the newest kept, `complete: false`) */
  rowsMax: number;
  logUnexpected: (error: unknown, context: string) => string;
}

interface Client {
  socket: WebSocket;
  launches: boolean;
  alarms: boolean;
  live: Set<string>;
  /** progress messages not sent because the client lagged */
  dropped: number;
  /** chains whose live message this client missed (it lagged): its next one says complete: false */
  liveGaps: Set<string>;
}

interface LiveChain {
  key: ChainKey;
  rows: Map<number, LatestRow>;
  /** the newest timestamp pushed: the next read starts there */
  mark: number | null;
  subscribers: Set<Client>;
  /** rowsWritten last seen per launch: a growth is a commit */
  written: Map<string, number>;
  timer: NodeJS.Timeout | null;
  reading: boolean;
  dirty: boolean;
}

export interface StreamStats {
  clients: number;
  liveChains: number;
  /** database reads made for live values since the hub started */
  liveReads: number;
  alarmReads: number;
}

export class StreamHub {
  #service: CatenaService;
  #host: ApiHost;
  #options: StreamOptions;
  #clients = new Set<Client>();
  #live = new Map<string, LiveChain>();
  #off: () => void;
  #closed = false;
  readonly stats: StreamStats = { clients: 0, liveChains: 0, liveReads: 0, alarmReads: 0 };

  constructor(service: CatenaService, host: ApiHost, options: StreamOptions) {
    this.#service = service;
    this.#host = host;
    this.#options = options;
    this.#off = service.onEvent((event) => this.#onEvent(event));
  }

  close(): void {
    this.#closed = true;
    this.#off();
    for (const chain of this.#live.values()) if (chain.timer) clearTimeout(chain.timer);
    this.#live.clear();
    this.#clients.clear();
  }

  /** Serves one socket until it closes. */
  accept(socket: WebSocket): void {
    const client: Client = {
      socket,
      launches: false,
      alarms: false,
      live: new Set(),
      dropped: 0,
      liveGaps: new Set(),
    };
    this.#clients.add(client);
    this.stats.clients = this.#clients.size;
    const leave = () => this.#leave(client);
    socket.on('close', leave);
    socket.on('error', leave);
    socket.on('message', (data) => {
      let payload: unknown;
      try {
        payload = JSON.parse(String(data));
      } catch {
        this.#send(client, { type: 'error', error: badRequest('a message must be JSON') });
        return;
      }
      const parsed = streamClientMessageSchema.safeParse(payload);
      if (!parsed.success) {
        // a live subscription names what is wrong with it (a union's error would not)
        const live = liveSubscriptionSchema.safeParse(payload);
        if (!live.success && (payload as { subscribe?: unknown } | null)?.subscribe === 'live') {
          this.#send(client, {
            type: 'error',
            error: badRequest(`invalid message: ${formatIssues(live.error)}`),
          });
          return;
        }
        this.#send(client, {
          type: 'error',
          error: badRequest(
            `invalid message: ${formatIssues(parsed.error)}; send {"subscribe":"launches"}, {"subscribe":"alarms"} or {"subscribe":"live","chains":["CU001:A"]}`,
          ),
        });
        return;
      }
      void this.#handle(client, parsed.data).catch((error) => {
        const wire = toWireError(error, 'stream subscription', {
          isExpected: isCatenaError,
          logUnexpected: this.#options.logUnexpected,
        });
        this.#send(client, { type: 'error', error: wire });
      });
    });
  }

  async #handle(client: Client, message: StreamClientMessage): Promise<void> {
    if ('type' in message) {
      this.#send(client, { type: 'pong', at: Date.now() });
      return;
    }
    if ('unsubscribe' in message) {
      if (message.unsubscribe === 'launches') client.launches = false;
      else if (message.unsubscribe === 'alarms') client.alarms = false;
      else {
        const labels = message.chains ? message.chains.map(labelOf) : [...client.live];
        for (const label of labels) this.#unsubscribeLive(client, label);
      }
      this.#send(client, { type: 'unsubscribed', topic: message.unsubscribe, chains: message.chains });
      return;
    }
    if (message.subscribe === 'launches') {
      client.launches = true;
      this.#send(client, { type: 'subscribed', topic: 'launches' });
      return;
    }
    if (message.subscribe === 'alarms') {
      client.alarms = true;
      this.#send(client, { type: 'subscribed', topic: 'alarms' });
      return;
    }
    // live: every chain must exist (CHAIN_NOT_FOUND otherwise, nothing subscribed)
    const read: LiveChain[] = [];
    for (const key of message.chains) read.push(await this.#liveChain(key));
    if (this.#closed || !this.#clients.has(client)) return;
    const chains: LiveChain[] = [];
    for (const fresh of read) {
      const label = chainLabel(fresh.key);
      // another subscription of the chain may have been read meanwhile: one state per chain
      const chain = this.#live.get(label) ?? fresh;
      this.#live.set(label, chain);
      chain.subscribers.add(client);
      client.live.add(label);
      chains.push(chain);
    }
    this.stats.liveChains = this.#live.size;
    this.#send(client, { type: 'subscribed', topic: 'live', chains: chains.map((c) => c.key) });
    for (const chain of chains) this.#send(client, liveMessage(chain, [], chain.mark, true));
  }

  /** The hub's state of a chain: known, or read once (its nodes and newest rows). */
  async #liveChain(key: ChainKey): Promise<LiveChain> {
    const known = this.#live.get(labelOf(key));
    if (known) return known;
    const nodes = await this.#service.chainNodes(key);
    const real = { controlUnitCode: nodes.controlUnitCode, chain: nodes.chain };
    const again = this.#live.get(chainLabel(real));
    if (again) return again;
    const latest = await this.#host.latest(real);
    this.stats.liveReads++;
    return {
      key: real,
      rows: new Map(latest.nodes.map((row) => [row.nodeIndex, row])),
      mark: latest.timestamp,
      subscribers: new Set(),
      written: new Map(),
      timer: null,
      reading: false,
      dirty: false,
    };
  }

  #unsubscribeLive(client: Client, label: string): void {
    client.live.delete(label);
    client.liveGaps.delete(label);
    const chain = this.#live.get(label);
    if (!chain) return;
    chain.subscribers.delete(client);
    if (chain.subscribers.size === 0) {
      if (chain.timer) clearTimeout(chain.timer);
      this.#live.delete(label);
      this.stats.liveChains = this.#live.size;
    }
  }

  #leave(client: Client): void {
    if (!this.#clients.delete(client)) return;
    for (const label of [...client.live]) this.#unsubscribeLive(client, label);
    this.stats.clients = this.#clients.size;
  }

  #onEvent(event: EngineEvent): void {
    // one serialisation per event, whatever the number of clients (bench:service: 200 of them)
    let text: string | null = null;
    for (const client of this.#clients) {
      if (!client.launches) continue;
      if (event.type === 'chain-progress' && this.#slow(client)) {
        client.dropped++;
        continue;
      }
      text ??= JSON.stringify(event);
      this.#sendText(client, text);
    }
    if (event.type === 'chain-progress') {
      const chain = this.#live.get(chainLabel(event));
      if (!chain) return;
      const before = chain.written.get(event.launchId) ?? 0;
      if (event.rowsWritten > before) {
        chain.written.set(event.launchId, event.rowsWritten);
        this.#schedule(chain);
      }
    } else if (event.type === 'chain-finished') {
      const { result } = event;
      const chain = this.#live.get(chainLabel(result));
      if (chain) {
        chain.written.delete(event.launchId);
        // the run's last commit may land after its last progress: one more read when it wrote anything
        if (result.rowsWritten > 0) this.#schedule(chain);
      }
      if (result.eventsCreated > 0) void this.#pushAlarms(event.launchId, result);
    }
  }

  #schedule(chain: LiveChain): void {
    if (chain.timer || this.#closed) return;
    chain.timer = setTimeout(() => {
      chain.timer = null;
      void this.#refresh(chain);
    }, this.#options.debounceMs);
  }

  /** The one read of a commit, shared by every subscriber of the chain. */
  async #refresh(chain: LiveChain): Promise<void> {
    if (chain.reading) {
      chain.dirty = true;
      return;
    }
    chain.reading = true;
    try {
      const since = chain.mark;
      // every row since the last push (with a limit, the store keeps the newest)
      const recent = await this.#service.series({
        key: chain.key,
        from: since,
        limit: this.#options.rowsMax,
      });
      this.stats.liveReads++;
      for (const [nodeIndex, row] of latestRows(recent)) {
        const known = chain.rows.get(nodeIndex);
        if (!known || known.timestamp <= row.timestamp) chain.rows.set(nodeIndex, row);
        if (chain.mark === null || row.timestamp > chain.mark) chain.mark = row.timestamp;
      }
      if (this.#closed || this.#live.get(chainLabel(chain.key)) !== chain) return;
      const label = chainLabel(chain.key);
      // the rows after the mark: those at the mark (read again for `nodes`, a re-run may have rewritten
      // them) were sent before, and a re-run of the past would send the same newest rows twice per message
      const rows = rowsOf(recent).filter((r) => since === null || r.timestamp > since);
      const complete = recent.length < this.#options.rowsMax;
      // one text for the clients that got every message, one for those that missed one
      let whole: string | null = null;
      let gapped: string | null = null;
      for (const client of chain.subscribers) {
        if (this.#slow(client)) {
          client.dropped++;
          client.liveGaps.add(label);
          continue;
        }
        if (complete && !client.liveGaps.has(label)) {
          whole ??= JSON.stringify(liveMessage(chain, rows, since, true));
          this.#sendText(client, whole);
        } else {
          client.liveGaps.delete(label);
          gapped ??= JSON.stringify(liveMessage(chain, rows, since, false));
          this.#sendText(client, gapped);
        }
      }
    } catch (error) {
      this.#options.logUnexpected(error, `live values of ${chainLabel(chain.key)}`);
    } finally {
      chain.reading = false;
      if (chain.dirty) {
        chain.dirty = false;
        this.#schedule(chain);
      }
    }
  }

  async #pushAlarms(
    launchId: string,
    result: Extract<EngineEvent, { type: 'chain-finished' }>['result'],
  ): Promise<void> {
    const listeners = [...this.#clients].filter((c) => c.alarms);
    if (listeners.length === 0) return;
    try {
      const key = { controlUnitCode: result.controlUnitCode, chain: result.chain };
      const events = await this.#service.events({ key, limit: result.eventsCreated });
      this.stats.alarmReads++;
      const mine = result.runId === null ? events : events.filter((e) => e.runId === result.runId);
      if (mine.length === 0) return;
      const text = JSON.stringify({ type: 'alarms', ...key, launchId, runId: result.runId, events: mine });
      for (const client of this.#clients) if (client.alarms) this.#sendText(client, text);
    } catch (error) {
      this.#options.logUnexpected(error, `alarm events of ${chainLabel(result)}`);
    }
  }

  #slow(client: Client): boolean {
    return client.socket.bufferedAmount > this.#options.slowClientBytes;
  }

  #send(client: Client, message: StreamServerMessage): void {
    this.#sendText(client, JSON.stringify(message));
  }

  #sendText(client: Client, text: string): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(text);
  }
}

function labelOf(key: ChainKey): string {
  return chainLabel(key);
}

function liveMessage(
  chain: LiveChain,
  rows: LatestRow[],
  since: number | null,
  complete: boolean,
): LiveMessage {
  const nodes = [...chain.rows.values()].sort((a, b) => a.nodeIndex - b.nodeIndex);
  return {
    type: 'live',
    ...chain.key,
    timestamp: nodes.length > 0 ? Math.max(...nodes.map((n) => n.timestamp)) : null,
    nodes,
    since,
    rows,
    complete,
  };
}
