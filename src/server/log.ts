/**
 * The HTTP host's log: warnings and unexpected errors (with their stacks) go
 * to stderr and are appended to a file under logDir(), whose path the
 * operator is shown.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logDir } from '../core/paths.ts';

export interface HostLog {
  readonly file: string;
  /** logs the error with its stack; returns the log file's path */
  unexpected(error: unknown, context: string): string;
}

export function createHostLog(name: string, dir: string = logDir()): HostLog {
  const file = join(dir, `${name}.log`);
  return {
    file,
    unexpected(error, context) {
      const detail =
        error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
      const line = `${new Date().toISOString()} ERROR ${context}: ${detail}\n`;
      process.stderr.write(line);
      try {
        mkdirSync(dir, { recursive: true });
        appendFileSync(file, line);
      } catch (writeError) {
        process.stderr.write(`catena: cannot write the log file ${file}: ${String(writeError)}\n`);
      }
      return file;
    },
  };
}
