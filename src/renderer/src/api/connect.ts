/**
 * Picks the transport at startup: the Electron preload bridge when the page
 * runs in the desktop app, else HTTP + WebSocket to the page's own origin.
 */
import { type CatenaClient, type ConnectionState, createClient } from '../../../contract/client.ts';
import { httpTransport } from './http.ts';
import { ipcTransport } from './ipc.ts';
import { eventsLive, type LiveSubscribe, streamLive } from './live.ts';

export interface Connection {
  client: CatenaClient;
  /** events stream state (always open over IPC) */
  state(): ConnectionState;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
  /** a chain's live values: /api/v1/stream in a browser, the engine's events over IPC in the app */
  live: LiveSubscribe;
}

export function connect(): Connection {
  const onInvalid = (message: string) => console.warn(message);
  if (window.catena) {
    const client = createClient(ipcTransport(window.catena), onInvalid);
    return {
      client,
      state: () => 'open',
      onStateChange: () => () => {},
      live: eventsLive(client, client.api),
    };
  }
  const transport = httpTransport(window.location.origin);
  return {
    client: createClient(transport, onInvalid),
    state: () => transport.state,
    onStateChange: (listener) => transport.onStateChange(listener),
    live: streamLive(window.location.origin),
  };
}
