/**
 * The built app (out/) and the Electron binary, for `npm start` and the
 * end-to-end tests.
 *
 * The Electron binary is found without `require('electron')`: that require
 * tries to download the binary when it is missing, which fails on a machine
 * without access to Electron's downloads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const OUTPUTS = [
  'out/main/index.js',
  'out/main/worker.js',
  'out/preload/index.cjs',
  'out/renderer/index.html',
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** out/ exists and is newer than every source and the build's configuration. */
export function buildIsCurrent(root: string): boolean {
  const outputs = OUTPUTS.map((p) => join(root, p));
  if (!outputs.every((p) => existsSync(p))) return false;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const sources = Math.max(
    newestMtime(join(root, 'src')),
    statSync(join(root, 'electron.vite.config.ts')).mtimeMs,
    statSync(join(root, 'package.json')).mtimeMs,
  );
  return built >= sources;
}

/** Runs `electron-vite build` when out/ is missing or older than the sources; false when the build failed. */
export function ensureBuilt(
  root: string,
  log: (line: string) => void = (l) => process.stderr.write(l),
): boolean {
  if (buildIsCurrent(root)) return true;
  log('catena: building the app (electron-vite build)…\n');
  const result = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return result.status === 0;
}

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
