/**
 * Passwords never on a command line (where `ps` shows them to every user of
 * the computer): a MySQL URL may come without its password, which is then
 * taken from CATENA_DB_PASSWORD, or from the file CATENA_DB_PASSWORD_FILE
 * names (a secret mounted by a service manager).
 */
import { readFileSync } from 'node:fs';
import { CatenaError } from '../errors.ts';

export interface PasswordSources {
  CATENA_DB_PASSWORD?: string;
  CATENA_DB_PASSWORD_FILE?: string;
}

/** The URL with the password from the environment when it has none; other URLs as they are. */
export function withDatabasePassword(url: string, env: PasswordSources, read = readPasswordFile): string {
  if (!/^mysql:\/\//i.test(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // parseProfile says what is wrong with it
  }
  if (parsed.password !== '') return url;
  const password =
    env.CATENA_DB_PASSWORD ?? (env.CATENA_DB_PASSWORD_FILE ? read(env.CATENA_DB_PASSWORD_FILE) : undefined);
  if (password === undefined || password === '') return url;
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Whether a URL given on the command line carries a password (the host then warns). */
export function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

function readPasswordFile(path: string): string {
  try {
    // A trailing newline is the editor's, not the password's.
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new CatenaError(
      'PROFILE_INVALID',
      `cannot read the database password from CATENA_DB_PASSWORD_FILE (${path}): ${(error as Error).message}`,
    );
  }
}
