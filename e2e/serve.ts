/**
 * Playwright's webServer: builds the app when out/ is stale, a fresh demo database (CATENA_E2E_DB) with one chain
 * broken on purpose and a node that died on another, then the HTTP host on it. Signals are passed on so the
 * host shuts down gracefully.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../scripts/app-build.ts';
import { breakChain, createDemoDatabase, killNode, ROOT } from './fixtures.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8799' } } });
const db = process.env.CATENA_E2E_DB;
if (!db) throw new Error('CATENA_E2E_DB is not set (playwright.config.ts sets it)');

// the interface under test is the current one
if (!ensureBuilt(ROOT)) throw new Error('electron-vite build failed');
createDemoDatabase(db);
breakChain(db);
killNode(db);

const child = spawn(
  process.execPath,
  [
    join(ROOT, 'src', 'server', 'main.ts'),
    '--db',
    `sqlite:${db}`,
    '--port',
    values.port,
    '--host',
    '127.0.0.1',
  ],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CATENA_HOME: join(db, '..', 'catena-e2e-home') } },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
