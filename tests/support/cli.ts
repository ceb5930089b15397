/** The CLI as an operator runs it, for tests: a real `bin/catena.js` process, its exit code and output. */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `catena args…` asynchronously, with `home` as its CATENA_HOME (its settings and logs). */
export function runCatena(args: string[], home: string): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'catena.js'), ...args], {
      env: { ...process.env, CATENA_HOME: home },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
