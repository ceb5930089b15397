/**
 * `npm start`: builds when the sources are newer than out/, then runs the
 * desktop app. Where Electron cannot run (its binary could not be downloaded,
 * or there is no display) it says so and serves the same interface through
 * the HTTP host instead, printing the URL to open.
 *
 *   npm start [-- --db URL] [--browser] [--port N] [--host ADDR]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt, findElectronBinary } from './app-build.ts';

const root = join(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    browser: { type: 'boolean', default: false },
    port: { type: 'string' },
    host: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(
    'usage: npm start [-- --db URL] [--browser] [--port N] [--host ADDR]\n' +
      '  --db URL    database (default: CATENA_DB, else the demo SQLite database, created when missing)\n' +
      '  --browser   serve the interface to a browser instead of opening the desktop app\n',
  );
  process.exit(0);
}

/** The project's V8 flags (why: docs/PERFORMANCE.md). */
const NODE_FLAGS: string[] = JSON.parse(readFileSync(join(root, 'bin', 'node-flags.json'), 'utf8'));

if (!ensureBuilt(root)) {
  process.stderr.write('catena: the build failed (see above)\n');
  process.exit(1);
}

/** Runs a child with the terminal, passing Ctrl-C / SIGTERM on, and exits with its status. */
function runChild(command: string, childArgs: string[], env: NodeJS.ProcessEnv = process.env): void {
  const child = spawn(command, childArgs, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function serveInBrowser(why: string | null): void {
  if (why)
    process.stderr.write(`catena: ${why}.\ncatena: serving the same interface in your browser instead.\n`);
  const serverArgs = [...NODE_FLAGS, join(root, 'src', 'server', 'main.ts')];
  if (args.db) serverArgs.push('--db', args.db);
  if (args.port) serverArgs.push('--port', args.port);
  if (args.host) serverArgs.push('--host', args.host);
  runChild(process.execPath, serverArgs);
}

function displayMissing(): boolean {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

if (args.browser) {
  serveInBrowser(null);
} else {
  const electron = findElectronBinary(root);
  if (!electron.path) {
    serveInBrowser(`the desktop app cannot start: ${electron.reason}`);
  } else if (displayMissing()) {
    serveInBrowser('the desktop app cannot start: no display (DISPLAY / WAYLAND_DISPLAY are not set)');
  } else {
    const electronArgs = [`--js-flags=${NODE_FLAGS.join(' ')}`, root];
    // Chromium refuses to run as root with its sandbox (containers, CI)
    if (process.getuid?.() === 0) electronArgs.unshift('--no-sandbox');
    if (args.db) electronArgs.push(`--db=${args.db}`);
    runChild(electron.path, electronArgs);
  }
}
