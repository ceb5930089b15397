/**
 * Builds a CatenaApi from any transport that can carry one call and deliver
 * events: the renderer's IPC client and HTTP/WebSocket client are both this
 * function over their transport. Events are validated here, once, for both.
 */
import { CatenaApiError, type Envelope } from './errors.ts';
import { type EngineEvent, engineEventSchema } from './events.ts';
import { type CatenaApi, type MethodName, methodNames } from './methods.ts';

export interface Transport {
  /** one of "electron-ipc", "http" */
  readonly kind: string;
  call(method: MethodName, input: unknown): Promise<Envelope<unknown>>;
  /** raw event payloads (validated by the client) */
  subscribe(listener: (payload: unknown) => void): () => void;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface CatenaClient {
  readonly api: CatenaApi;
  readonly transport: string;
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

export function createClient(transport: Transport, onInvalidEvent?: (message: string) => void): CatenaClient {
  const api = {} as Record<MethodName, (input?: unknown) => Promise<unknown>>;
  for (const name of methodNames) {
    api[name] = async (input?: unknown) => {
      const envelope = await transport.call(name, input);
      if (!envelope.ok) throw new CatenaApiError(envelope.error);
      return envelope.value;
    };
  }
  return {
    api: api as unknown as CatenaApi,
    transport: transport.kind,
    onEvent(listener) {
      return transport.subscribe((payload) => {
        const parsed = engineEventSchema.safeParse(payload);
        if (parsed.success) listener(parsed.data as EngineEvent);
        else onInvalidEvent?.(`ignored an invalid event: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
      });
    },
  };
}
