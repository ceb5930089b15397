/**
 * Live values of a chain for the Live view: elaborated rows pushed as runs
 * commit, never polled.
 *
 * - In a browser (the HTTP host): the WebSocket `/api/v1/stream`, subscribed
 *   to `live` for the chain. The server reads every row committed since its
 *   last push once per commit and pushes them, with the newest row of every
 *   node, to every subscriber (src/server/stream.ts); the socket reconnects
 *   with back-off and subscribes again (the server then sends the values it
 *   holds, and the view reads its window again for what it missed).
 * - In the desktop app (IPC): the engine's events already reach the window;
 *   a `chain-progress` of the chain whose rowsWritten grew (a committed batch)
 *   or its `chain-finished` is followed, 250 ms later, by one `series` call
 *   over IPC for the rows newer than the newest one the view holds. One
 *   window, so still one read per commit.
 *
 * Either way the view gets rows of the shape of `GET …/latest`, and is told
 * (`onGap`) when rows may be missing: more than one message holds, a
 * message the server did not send because the socket lagged, a reconnect.
 */
import type { LatestView } from '../../../contract/api.ts';
import type { CatenaClient, ConnectionState } from '../../../contract/client.ts';
import type { CatenaApi } from '../../../contract/methods.ts';
import { liveMessageSchema, streamServerMessageSchema } from '../../../contract/stream.ts';
import type { ChainKey } from '../../../contract/types.ts';

export type LiveRow = LatestView['nodes'][number];

export interface LiveListener {
  /** new rows of the chain: every row committed since the last call (on subscribing, the newest per node) */
  onRows(rows: LiveRow[]): void;
  /** rows may have been missed: read the window again */
  onGap?(): void;
  onState?(state: ConnectionState): void;
  /** a refusal of the subscription (e.g. CHAIN_NOT_FOUND), in a sentence */
  onError?(message: string): void;
}

/**
 * Subscribes to a chain's live rows; `since` tells the newest timestamp the
 * caller holds (the IPC feed reads from there). Returns the unsubscribe.
 */
export type LiveSubscribe = (key: ChainKey, listener: LiveListener, since: () => number | null) => () => void;

const sameChain = (a: ChainKey, b: ChainKey) =>
  a.controlUnitCode.toLowerCase() === b.controlUnitCode.toLowerCase() &&
  a.chain.toLowerCase() === b.chain.toLowerCase();

/** The browser's feed: WebSocket `/api/v1/stream` of the page's origin. */
export function streamLive(origin: string): LiveSubscribe {
  return (key, listener) => {
    let socket: WebSocket | null = null;
    let stopped = false;
    let retryMs = 500;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    let opened = false;
    const open = () => {
      const url = new URL('/api/v1/stream', origin);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      listener.onState?.('connecting');
      const ws = new WebSocket(url);
      socket = ws;
      ws.onopen = () => {
        retryMs = 500;
        listener.onState?.('open');
        ws.send(JSON.stringify({ subscribe: 'live', chains: [`${key.controlUnitCode}:${key.chain}`] }));
        ping = setInterval(() => ws.send(JSON.stringify({ type: 'ping' })), 20_000);
        // commits while the socket was down are not sent again
        if (opened) listener.onGap?.();
        opened = true;
      };
      ws.onmessage = (message) => {
        let payload: unknown;
        try {
          payload = JSON.parse(String(message.data));
        } catch {
          return;
        }
        const live = liveMessageSchema.safeParse(payload);
        if (live.success) {
          if (!sameChain(live.data, key)) return;
          const { rows, nodes } = live.data;
          // the newest per node too: a node that stopped has no row among the new ones
          listener.onRows(rows.length > 0 ? rows.concat(nodes) : nodes);
          if (!live.data.complete) listener.onGap?.();
          return;
        }
        const other = streamServerMessageSchema.safeParse(payload);
        if (other.success && other.data.type === 'error') listener.onError?.(other.data.error.message);
      };
      ws.onclose = () => {
        clearInterval(ping);
        socket = null;
        if (stopped) return;
        listener.onState?.('closed');
        retry = setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, 5_000);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearInterval(ping);
      socket?.close();
    };
  };
}

/** How long the IPC feed waits for more commits before its one read. */
const COMMIT_DEBOUNCE_MS = 250;
/** At most this many rows per read (a full re-run's first commits; the view keeps only its window). */
const READ_LIMIT = 20_000;

/** The desktop's feed: the engine's events over IPC, then one `series` call per burst of commits. */
export function eventsLive(client: CatenaClient, api: CatenaApi): LiveSubscribe {
  return (key, listener, since) => {
    const written = new Map<string, number>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reading = false;
    let again = false;
    let stopped = false;
    const read = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        const from = since();
        const s = await api.series({ key, from: from === null ? null : from + 1, limit: READ_LIMIT });
        const rows: LiveRow[] = [];
        for (let i = 0; i < s.length; i++) {
          rows.push({
            nodeIndex: s.nodeIndex[i]!,
            timestamp: s.timestamp[i]!,
            alphaX: s.alphaX[i]!,
            alphaY: s.alphaY[i]!,
            temperature: s.temperature[i]!,
            dispX: s.dispX[i]!,
            dispY: s.dispY[i]!,
            cumX: s.cumX[i]!,
            cumY: s.cumY[i]!,
            cumR: s.cumR[i]!,
            velR: s.velR[i]!,
            flags: s.flags[i]!,
          });
        }
        if (!stopped && rows.length > 0) listener.onRows(rows);
        // the newest READ_LIMIT rows only: what came before them is read with the window
        if (!stopped && s.length >= READ_LIMIT) listener.onGap?.();
      } catch (error) {
        if (!stopped) listener.onError?.(error instanceof Error ? error.message : String(error));
      } finally {
        reading = false;
        if (again && !stopped) {
          again = false;
          void read();
        }
      }
    };
    const committed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void read(), COMMIT_DEBOUNCE_MS);
    };
    listener.onState?.('open');
    const off = client.onEvent((event) => {
      if (event.type === 'chain-progress' && sameChain(event, key)) {
        const before = written.get(event.launchId) ?? 0;
        written.set(event.launchId, event.rowsWritten);
        if (event.rowsWritten > before) committed();
      } else if (event.type === 'chain-finished' && sameChain(event.result, key)) {
        written.delete(event.launchId);
        if (event.result.rowsWritten > 0) committed();
      }
    });
    return () => {
      stopped = true;
      clearTimeout(timer);
      off();
    };
  };
}
