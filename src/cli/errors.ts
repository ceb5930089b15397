/**
 * How the CLI ends on failure: an expected failure (CatenaError) prints its
 * operator sentence; anything else prints one line pointing at the log file,
 * where the stack goes. Never a stack trace on the terminal.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isCatenaError } from '../core/errors.ts';
import { logDir } from '../core/paths.ts';

export class ExitCode extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

export function logUnexpected(error: unknown): string {
  const dir = logDir();
  const file = join(dir, 'cli.log');
  try {
    mkdirSync(dir, { recursive: true });
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    appendFileSync(file, `${new Date().toISOString()} ${stack}\n`);
  } catch {
    // The log is best effort; the terminal message below still goes out.
  }
  return file;
}

export function reportFailure(error: unknown): number {
  if (error instanceof ExitCode) return error.code;
  if (isCatenaError(error)) {
    process.stderr.write(`catena: ${error.message}\n`);
    return 2;
  }
  const file = logUnexpected(error);
  const detail = error instanceof Error ? error.message : String(error);
  process.stderr.write(`catena: unexpected error (${detail}); details in ${file}\n`);
  return 1;
}
