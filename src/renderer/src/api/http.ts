/**
 * Transport over HTTP (`POST /api/<method>`) and one shared WebSocket for
 * events (`/api/events`), reconnecting with back-off. Used when the page is
 * served by the HTTP host to a browser.
 */
import type { ConnectionState, Transport } from '../../../contract/client.ts';
import type { Envelope, WireError } from '../../../contract/errors.ts';
import { serverMessageSchema } from '../../../contract/events.ts';
import { wireErrorSchema } from '../../../contract/schemas.ts';

export interface HttpTransport extends Transport {
  readonly state: ConnectionState;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
}

function transportError(message: string): WireError {
  return { code: 'TRANSPORT', message };
}

export function httpTransport(origin: string): HttpTransport {
  const eventListeners = new Set<(payload: unknown) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'closed';
  let socket: WebSocket | null = null;
  let retryMs = 500;
  let pingTimer: ReturnType<typeof setInterval> | undefined;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };

  const connect = () => {
    if (socket) return;
    const url = new URL('/api/events', origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    setState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 500;
      setState('open');
      pingTimer = setInterval(() => ws.send(JSON.stringify({ type: 'ping' })), 20_000);
    };
    ws.onmessage = (message) => {
      let payload: unknown;
      try {
        payload = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const parsed = serverMessageSchema.safeParse(payload);
      if (!parsed.success || parsed.data.type === 'pong') return;
      if (parsed.data.type === 'error') {
        console.warn('catena service:', parsed.data.error.message);
        return;
      }
      for (const listener of eventListeners) listener(payload);
    };
    ws.onclose = () => {
      clearInterval(pingTimer);
      socket = null;
      setState('closed');
      if (eventListeners.size > 0) {
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 5_000);
      }
    };
  };

  return {
    kind: 'http',
    get state() {
      return state;
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    async call(method, input): Promise<Envelope<unknown>> {
      let response: Response;
      try {
        response = await fetch(new URL(`/api/${method}`, origin), {
          method: 'POST',
          ...(input === undefined
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }),
        });
      } catch {
        return { ok: false, error: transportError(`cannot reach the Catena service at ${origin}`) };
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return { ok: false, error: transportError(`the service answered ${response.status} without JSON`) };
      }
      if (response.ok) return { ok: true, value: body };
      const error = wireErrorSchema.safeParse((body as { error?: unknown } | null)?.error);
      return {
        ok: false,
        error: error.success ? error.data : transportError(`the service answered ${response.status}`),
      };
    },
    subscribe(listener) {
      eventListeners.add(listener);
      connect();
      return () => {
        eventListeners.delete(listener);
        if (eventListeners.size === 0) socket?.close();
      };
    },
  };
}
