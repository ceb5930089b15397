/**
 * Where the Electron binary is, found without `require('electron')`: that
 * require tries to download the binary when it is missing, which fails on a
 * machine without access to Electron's downloads. Used by `npm start` and the
 * Electron end-to-end test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ElectronBinary {
  path: string | null;
  /** why there is none, for the operator */
  reason: string | null;
}

export function findElectronBinary(root: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(pkg)) return { path: null, reason: 'the electron package is not installed (run npm ci)' };
  const pathFile = join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist');
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(distDir, relative ?? 'electron');
    if (existsSync(candidate)) return { path: candidate, reason: null };
    return { path: null, reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${candidate})` };
  }
  if (!relative) {
    return {
      path: null,
      reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)',
    };
  }
  const candidate = join(distDir, relative);
  if (!existsSync(candidate)) return { path: null, reason: `the Electron binary is missing (${candidate})` };
  return { path: candidate, reason: null };
}
