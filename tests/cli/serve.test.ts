/**
 * `catena serve` as a service manager runs it: a real process (through the
 * bin launcher), configured by flags and the environment, JSON log lines on
 * stdout, and SIGTERM in the middle of a launch: the launch is cancelled,
 * its runs are recorded `cancelled` (none left `running`) and the process
 * exits 0.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openCatenaService } from '../../src/core/service/service.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'catena-serve-'));
const sqliteDb = `sqlite:${join(tmp, 'demo.db')}`;
const db = sqliteDb;
const env: NodeJS.ProcessEnv = { ...process.env, CATENA_HOME: join(tmp, 'home') };
for (const name of ['CATENA_DB', 'CATENA_HOST', 'CATENA_PORT', 'CATENA_SCHEDULE', 'CATENA_API_TOKEN']) {
  delete env[name];
}

beforeAll(() => {
  const demo = spawnSync(process.execPath, [join(root, 'bin', 'catena.js'), 'demo', '--db', db], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  expect(demo.status, demo.stderr).toBe(0);
}, 150_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function serve(args: string[], extraEnv: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [join(root, 'bin', 'catena.js'), 'serve', ...args], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return new Promise((resolveServed, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s: ${err}`)), 60_000);
    child.stderr!.on('data', (chunk) => {
      err += String(chunk);
    });
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const m = /serving on (http:\/\/\S+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveServed({ child, url: m[1]!, stdout: () => out, stderr: () => err, exit });
      }
    });
    void exit.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before serving: ${err}`));
    });
  });
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('catena serve', () => {
  it.each([
    { kind: 'sqlite', available: true },
    { kind: 'mysql', available: mariadbAvailable },
  ])(
    'SIGTERM mid-launch on $kind: the runs are recorded cancelled, none running, and it exits 0',
    async ({ kind, available }) => {
      if (!available) return;
      let db = sqliteDb;
      let drop = async () => {};
      if (kind === 'mysql') {
        const scratch = await createTestDatabase('catena_serve');
        db = scratch.url;
        drop = scratch.drop;
        const demo = spawnSync(process.execPath, [join(root, 'bin', 'catena.js'), 'demo', '--db', db], {
          encoding: 'utf8',
          env,
          timeout: 240_000,
        });
        expect(demo.status, demo.stderr).toBe(0);
      }
      const served = await serve(['--port', '0'], { CATENA_DB: db });
      let exited = false;
      try {
        // the first progress of the launch comes through the events socket: SIGTERM then
        const socket = new WebSocket(`${served.url.replace('http', 'ws')}api/events`);
        await new Promise((ok, fail) => {
          socket.once('open', ok);
          socket.once('error', fail);
        });
        const progressed = new Promise<void>((ok) => {
          socket.on('message', (data) => {
            const event = JSON.parse(String(data)) as { type: string };
            if (event.type === 'chain-progress') ok();
          });
        });
        const response = await fetch(`${served.url}api/v1/launches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ chains: 'all-active', mode: 'full', concurrency: 1 }),
        });
        expect(response.status).toBe(202);
        const { launchId } = (await response.json()) as { launchId: string };
        await progressed;
        served.child.kill('SIGTERM');
        const { code } = await served.exit;
        exited = true;
        socket.terminate();
        expect(code, served.stderr()).toBe(0);

        const logs = jsonLines(served.stdout());
        expect(
          logs.some((l) => l.event === 'request' && l.url === '/api/v1/launches' && l.statusCode === 202),
        ).toBe(true);
        // one line per request: fastify's own "incoming request" / "request completed" pair gives way to it
        expect(logs.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
        expect(logs.filter((l) => l.event === 'launch-started' && l.launchId === launchId)).toHaveLength(1);
        const finished = logs.find((l) => l.event === 'launch-finished' && l.launchId === launchId);
        expect(finished).toBeDefined();
        expect(finished!.cancelled).toBeGreaterThan(0);

        const service = await openCatenaService({ db, requireSchema: true });
        try {
          const runs = await service.listRuns({ launchId });
          expect(runs.length).toBeGreaterThan(0);
          expect(runs.filter((r) => r.status === 'running')).toEqual([]);
          expect(runs.some((r) => r.status === 'cancelled')).toBe(true);
        } finally {
          await service.close();
        }
      } finally {
        if (!exited) served.child.kill('SIGKILL');
        await drop();
      }
    },
    300_000,
  );

  it('takes its configuration from the environment and answers its schedule', async () => {
    const served = await serve([], { CATENA_DB: db, CATENA_PORT: '0', CATENA_SCHEDULE: '0 0 1 1 *' });
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const schedule = (await (await fetch(`${served.url}api/v1/schedule`)).json()) as Record<
        string,
        unknown
      >;
      expect(schedule).toMatchObject({ enabled: true, cron: '0 0 1 1 *', running: null, last: null });
      expect(schedule.nextRun).toBeGreaterThan(Date.now() / 1000);
    } finally {
      served.child.kill('SIGTERM');
      expect((await served.exit).code).toBe(0);
    }
  }, 60_000);

  it('refuses what it cannot serve, with a sentence and exit 2', () => {
    const run = (args: string[], extra: Record<string, string> = {}) =>
      spawnSync(process.execPath, [join(root, 'bin', 'catena.js'), 'serve', '--db', db, ...args], {
        encoding: 'utf8',
        env: { ...env, ...extra },
        timeout: 60_000,
      });
    const open = run(['--host', '0.0.0.0', '--port', '0']);
    expect(open.status).toBe(2);
    expect(open.stderr).toMatch(/without an API token/);
    const cron = run(['--port', '0', '--schedule', 'every tuesday']);
    expect(cron.status).toBe(2);
    expect(cron.stderr).toMatch(/not a cron expression/);
    const port = run([], { CATENA_PORT: 'eighty' });
    expect(port.status).toBe(2);
    expect(port.stderr).toMatch(/port number/);
    // an offline snapshot of the demo site is served read-only, never on a schedule
    const snapshot = join(tmp, 'snapshot.db');
    const taken = spawnSync(
      process.execPath,
      [join(root, 'bin', 'catena.js'), 'snapshot', '--db', db, '--out', snapshot, '--chain', 'CU002:A'],
      { encoding: 'utf8', env, timeout: 60_000 },
    );
    expect(taken.status, taken.stderr).toBe(0);
    const scheduled = spawnSync(
      process.execPath,
      [
        join(root, 'bin', 'catena.js'),
        'serve',
        '--db',
        snapshot,
        '--port',
        '0',
        '--schedule',
        '*/10 * * * *',
      ],
      { encoding: 'utf8', env, timeout: 60_000 },
    );
    expect(scheduled.status).toBe(2);
    expect(scheduled.stderr).toMatch(/is an offline snapshot \(read-only\): .* drop --schedule/);
    expect(`${open.stderr}${cron.stderr}${port.stderr}${scheduled.stderr}`).not.toMatch(/\n\s+at /);
  });
});
