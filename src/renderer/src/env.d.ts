import type { CatenaBridge } from '../../contract/bridge.ts';

declare global {
  interface Window {
    /** present when the page runs in the Electron app (preload bridge) */
    catena?: CatenaBridge;
  }
}
