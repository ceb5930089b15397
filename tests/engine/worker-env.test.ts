/**
 * The core's worker threads start with Node's compile cache, so that a
 * worker's first task does not wait for its TypeScript modules to be
 * stripped and compiled again (src/core/worker-env.ts).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { workerEnv } from '../../src/core/worker-env.ts';

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

/** The compile cache folder a worker started with `env` reports, as seen from inside it. */
function cacheDirSeenByWorker(env: NodeJS.ProcessEnv): Promise<string | null> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    const m = require('node:module');
    parentPort.postMessage(m.getCompileCacheDir() ?? null);`;
  const worker = new Worker(code, { eval: true, env });
  return new Promise((resolve, reject) => {
    worker.once('message', (dir: string | null) => {
      void worker.terminate();
      resolve(dir);
    });
    worker.once('error', reject);
  });
}

describe('workerEnv', () => {
  it('gives workers a compile cache, which they use and fill', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catena-cc-'));
    try {
      process.env.NODE_COMPILE_CACHE = dir;
      const env = workerEnv();
      expect(env.NODE_COMPILE_CACHE).toBe(dir);
      const seen = await cacheDirSeenByWorker(env);
      expect(seen?.startsWith(dir)).toBe(true);
      // the engine's worker entry, loaded in a worker with that env, leaves its modules in the cache
      const entry = new URL('../../src/core/engine/worker.ts', import.meta.url).href;
      const loader = `
        const { parentPort } = require('node:worker_threads');
        import(${JSON.stringify(entry)}).then(() => {
          require('node:module').flushCompileCache();
          parentPort.postMessage('loaded');
        });`;
      const worker = new Worker(loader, { eval: true, env });
      await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      const files = readdirSync(dir, { recursive: true });
      expect(files.length).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a folder the host chose, and a host that disabled the cache', () => {
    delete process.env.NODE_COMPILE_CACHE;
    expect(workerEnv().NODE_COMPILE_CACHE).toBeTruthy();
    process.env.NODE_DISABLE_COMPILE_CACHE = '1';
    expect(workerEnv().NODE_COMPILE_CACHE).toBeUndefined();
  });
});
