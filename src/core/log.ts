/**
 * Every host's log of unexpected errors: the stack is appended to a file
 * under logDir() (one per host: cli.log, server.log, desktop.log), whose path
 * the operator is shown instead of the stack. The service hosts also echo it
 * to stderr; the CLI does not, because its terminal is the operator's.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logDir } from './paths.ts';

export interface HostLog {
  readonly file: string;
  /** logs the error with its stack; returns the log file's path */
  unexpected(error: unknown, context: string): string;
  /** logs a notable decision (a refused request, a refused link) */
  info(message: string): void;
}

export interface HostLogOptions {
  /** folder of the log file (default: logDir()) */
  dir?: string;
  /** also write each entry to stderr (default true) */
  echo?: boolean;
}

export function createHostLog(name: string, options: HostLogOptions = {}): HostLog {
  const dir = options.dir ?? logDir();
  const echo = options.echo ?? true;
  const file = join(dir, `${name}.log`);
  return {
    file,
    unexpected(error, context) {
      const detail =
        error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
      append(`${new Date().toISOString()} ERROR ${context}: ${detail}\n`);
      return file;
    },
    info(message) {
      append(`${new Date().toISOString()} INFO ${message}\n`);
    },
  };

  function append(line: string): void {
    if (echo) process.stderr.write(line);
    try {
      mkdirSync(dir, { recursive: true });
      appendFileSync(file, line);
    } catch (writeError) {
      process.stderr.write(`catena: cannot write the log file ${file}: ${String(writeError)}\n`);
    }
  }
}
