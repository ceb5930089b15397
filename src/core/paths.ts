/**
 * Where Catena keeps its own files. The CLI, the HTTP service and the desktop
 * app all use these functions, so `catena demo` and `npm start` share one demo
 * database. CATENA_HOME overrides the folder (tests, portable installs).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function dataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.CATENA_HOME) return env.CATENA_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Catena');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Catena');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'catena');
}

export function defaultDemoDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'demo.db');
}

export function logDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'logs');
}
