/**
 * The environment of the core's worker threads. Each worker is a new V8
 * isolate that loads its TypeScript modules again, and Node's type stripper
 * (a WebAssembly module) is compiled per isolate: measured here, 0.6–1.0 s
 * before a worker's first task, paid by every launch whose pool had gone idle.
 * Node's compile cache keeps the stripped and compiled modules on disk, and
 * a worker started with NODE_COMPILE_CACHE set uses it (the main thread's
 * `module.enableCompileCache()` does not reach workers): the same import
 * then takes 20–50 ms. Bundled hosts (Electron) load plain JavaScript and
 * gain the V8 code cache only.
 */
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder Node uses by default for its compile cache. */
const DEFAULT_CACHE = join(tmpdir(), 'node-compile-cache');

/** process.env, plus a compile cache folder unless the host chose one (or disabled it). */
export function workerEnv(): NodeJS.ProcessEnv {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return process.env;
  const dir = process.env.NODE_COMPILE_CACHE ?? module.getCompileCacheDir?.() ?? DEFAULT_CACHE;
  return { ...process.env, NODE_COMPILE_CACHE: dir };
}
