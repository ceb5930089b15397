/**
 * The Electron preload bridge: channel names and the shape of `window.catena`.
 * Deliberately free of zod so the sandboxed preload stays tiny; the main
 * process validates every call (dispatch.ts), the renderer every event
 * (client.ts).
 */
import type { Envelope } from './errors.ts';

export const IPC_INVOKE = 'catena:invoke';
export const IPC_EVENT = 'catena:event';

export interface CatenaBridge {
  invoke(method: string, input: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: (payload: unknown) => void): () => void;
}
