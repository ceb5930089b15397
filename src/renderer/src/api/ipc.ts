/** Transport over the Electron preload bridge (`window.catena`). */
import type { CatenaBridge } from '../../../contract/bridge.ts';
import type { Transport } from '../../../contract/client.ts';

export function ipcTransport(bridge: CatenaBridge): Transport {
  return {
    kind: 'electron-ipc',
    call: (method, input) => bridge.invoke(method, input),
    subscribe: (listener) => bridge.onEvent(listener),
  };
}
