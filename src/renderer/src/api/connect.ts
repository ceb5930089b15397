/**
 * Picks the transport at startup: the Electron preload bridge when the page
 * runs in the desktop app, else HTTP + WebSocket to the page's own origin.
 */
import { type CatenaClient, type ConnectionState, createClient } from '../../../contract/client.ts';
import { httpTransport } from './http.ts';
import { ipcTransport } from './ipc.ts';

export interface Connection {
  client: CatenaClient;
  /** events stream state (always open over IPC) */
  state(): ConnectionState;
  onStateChange(listener: (state: ConnectionState) => void): () => void;
}

export function connect(): Connection {
  const onInvalid = (message: string) => console.warn(message);
  if (window.catena) {
    return {
      client: createClient(ipcTransport(window.catena), onInvalid),
      state: () => 'open',
      onStateChange: () => () => {},
    };
  }
  const transport = httpTransport(window.location.origin);
  return {
    client: createClient(transport, onInvalid),
    state: () => transport.state,
    onStateChange: (listener) => transport.onStateChange(listener),
  };
}
