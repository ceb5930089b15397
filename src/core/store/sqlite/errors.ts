/**
 * node:sqlite failures → CatenaError with a sentence the operator can act on
 * (the driver's error kept as `cause`, its result code in parentheses).
 * Unrecognised errors return null and are rethrown unchanged.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CatenaError, type ErrorCode, type ErrorSubject } from '../../errors.ts';

function fields(error: unknown): { errcode: number; message: string; code: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const record = error as Record<string, unknown>;
  const errcode = typeof record.errcode === 'number' ? record.errcode : -1;
  const code = typeof record.code === 'string' ? record.code : '';
  const message =
    typeof record.errstr === 'string' ? record.errstr : error instanceof Error ? error.message : '';
  return { errcode, message, code };
}

const NAMES: Record<number, string> = {
  1: 'SQLITE_ERROR',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  8: 'SQLITE_READONLY',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  23: 'SQLITE_AUTH',
  26: 'SQLITE_NOTADB',
};

export function classifySqliteError(error: unknown, path: string, doing: string): CatenaError | null {
  if (error instanceof CatenaError) return error;
  const f = fields(error);
  if (!f) return null;
  const primary = f.errcode >= 0 ? f.errcode & 0xff : -1;
  const fsCode = f.code;
  const note = `(${NAMES[primary] ?? fsCode ?? 'SQLite'}: ${f.message})`;
  const make = (code: ErrorCode, text: string, subject: ErrorSubject = {}) =>
    new CatenaError(code, `${text} ${note}`, subject, { cause: error });

  if (fsCode === 'EACCES' || fsCode === 'EPERM') {
    return make(
      'CONNECTION_ACCESS_DENIED',
      `This user may not open ${path}. Check the permissions of the file and its folder.`,
    );
  }
  switch (primary) {
    case 26:
      return make(
        'NOT_A_CATENA_DATABASE',
        `${path} is not a SQLite database (it is another kind of file, or damaged). Choose the Catena ` +
          'database file, or a new file name to create one.',
      );
    case 14: {
      const folder = dirname(path);
      if (!existsSync(folder)) {
        return make(
          'CONNECTION_UNKNOWN_DATABASE',
          `Cannot create ${path}: the folder ${folder} does not exist. Create the folder or correct the path.`,
        );
      }
      if (existsSync(path) && statSync(path).isDirectory()) {
        return make(
          'CONNECTION_UNKNOWN_DATABASE',
          `${path} is a folder, not a database file. Correct the path.`,
        );
      }
      return make(
        'CONNECTION_ACCESS_DENIED',
        `Cannot open ${path}. Check the permissions of the file and its folder (SQLite also needs to ` +
          'create the -wal and -shm files next to it).',
      );
    }
    case 8:
      return make(
        'CONNECTION_PRIVILEGES',
        `${path} is read-only for this user, which stopped Catena while ${doing}. Check the permissions of ` +
          'the file and its folder, or copy it to a writable folder.',
      );
    case 23:
      return make('CONNECTION_PRIVILEGES', `SQLite refused access to ${path} while ${doing}.`);
    case 5:
    case 6:
      return make(
        'STORE_ERROR',
        `${path} stayed locked by another program (another Catena writing to it?) while ${doing}. Run again ` +
          'when it has finished.',
      );
    case 11:
      return make(
        'STORE_ERROR',
        `${path} is damaged. Restore it from a backup, or recreate it (catena demo for the demo site).`,
      );
    case 13:
      return make('STORE_ERROR', `The disk holding ${path} is full. Free some space and run again.`);
    case 10:
      return make(
        'STORE_ERROR',
        `Reading or writing ${path} failed (disk or file system error) while ${doing}.`,
      );
    case 1: {
      const table = /no such table: (?:\w+\.)?(\w+)/.exec(f.message)?.[1];
      if (table) {
        return make(
          'NOT_A_CATENA_DATABASE',
          `Table ${table} does not exist in ${path} (needed for ${doing}). Run \`catena migrate\` to create ` +
            'the missing tables, or choose the Catena database file.',
          { table },
        );
      }
      const column = /no such column: (\S+)|has no column named (\S+)/.exec(f.message);
      if (column) {
        return make(
          'NOT_A_CATENA_DATABASE',
          `A column Catena needs (${column[1] ?? column[2]}) is missing in ${path}. Run \`catena migrate\`, ` +
            'which adds the missing columns.',
          { column: column[1] ?? column[2] ?? '' },
        );
      }
      return null;
    }
  }
  return null;
}

/** Another connection holds the write lock (SQLITE_BUSY / SQLITE_LOCKED): worth trying again later. */
export function isBusy(error: unknown): boolean {
  const f = fields(error);
  if (!f || f.errcode < 0) return false;
  const primary = f.errcode & 0xff;
  return primary === 5 || primary === 6;
}
