/**
 * Preload (sandboxed, context-isolated): exposes the contract's generic bridge
 * as `window.catena`. It carries calls and events and nothing else; the main
 * process validates every call, the renderer every event.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { type CatenaBridge, IPC_EVENT, IPC_INVOKE } from '../contract/bridge.ts';
import type { Envelope } from '../contract/errors.ts';

const bridge: CatenaBridge = {
  invoke: (method, input) => ipcRenderer.invoke(IPC_INVOKE, method, input) as Promise<Envelope<unknown>>,
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld('catena', bridge);
