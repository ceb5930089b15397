/**
 * Electron fuses for the packaged app (flipped into the Electron binary by
 * `npm run package:fuses -- <path to the app's Electron executable>`, at
 * packaging time; https://www.electronjs.org/docs/latest/tutorial/fuses).
 * The app must not be usable as a general Node runtime or be steered by
 * environment variables and debugger flags on an operator's workstation.
 */
import { type FuseConfig, FuseV1Options, FuseVersion } from '@electron/fuses';

export const FUSES: FuseConfig = {
  version: FuseVersion.V1,
  // ELECTRON_RUN_AS_NODE would turn the signed app into a Node interpreter
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS could preload arbitrary code into the main process
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect would open a debugger port onto the main process
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};
