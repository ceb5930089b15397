/**
 * How the CLI ends on failure: an expected failure (CatenaError) prints its
 * operator sentence; anything else prints one line pointing at the log file,
 * where the stack goes. Never a stack trace on the terminal.
 */
import { isCatenaError } from '../core/errors.ts';
import { createHostLog } from '../core/log.ts';

export class ExitCode extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

const log = createHostLog('cli', { echo: false });

/** Logs an unexpected error's stack to the CLI's log file; returns its path. */
export function logUnexpected(error: unknown, context = 'catena'): string {
  return log.unexpected(error, context);
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
