/**
 * The API token the service generates when it must have one and none is
 * given (bound off loopback without CATENA_API_TOKEN): 32 random bytes,
 * hex, in a file of the data folder readable by its owner only (0600),
 * created on the first start and read again on every later one. The path
 * is logged, never the token.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dataDir } from '../core/paths.ts';
import { tokenProblem } from './doors.ts';

export const API_TOKEN_FILE = 'api-token';

/** Where the generated token lives: the data folder (CATENA_HOME, else XDG_DATA_HOME/catena, …). */
export function apiTokenPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), API_TOKEN_FILE);
}

export interface StoredToken {
  token: string;
  path: string;
  /** true when this start created the file */
  created: boolean;
}

/** Thrown with one sentence for the operator when the file cannot be used. */
export class TokenFileProblem extends Error {}

function readToken(path: string): string {
  if (process.platform !== 'win32') {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new TokenFileProblem(
        `the API token file ${path} can be read by other users (mode ${mode.toString(8)}): ` +
          `run "chmod 600 ${path}", or delete it to have a new token generated`,
      );
    }
  }
  const token = readFileSync(path, 'utf8').trim();
  const problem = tokenProblem(token);
  if (problem) {
    throw new TokenFileProblem(
      `the API token file ${path} does not hold a usable token (${problem}): delete it to have a new one generated`,
    );
  }
  return token;
}

/** The token of the file at `path`, created (0600, exclusively) when missing. */
export function loadOrCreateApiToken(path: string): StoredToken {
  try {
    return { token: readToken(path), path, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof TokenFileProblem) throw error;
      throw new TokenFileProblem(`cannot read the API token file ${path}: ${(error as Error).message}`);
    }
  }
  const token = randomBytes(32).toString('hex');
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // wx: two services starting at once do not overwrite each other's token; 0600 from the first byte
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    // the other one won: use its token
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return { token: readToken(path), path, created: false };
    throw new TokenFileProblem(`cannot create the API token file ${path}: ${(error as Error).message}`);
  }
  try {
    writeSync(fd, `${token}\n`);
    // a umask cannot widen it, but an odd file system could: say so rather than leave it open
    if (process.platform !== 'win32' && (fstatSync(fd).mode & 0o077) !== 0)
      throw new TokenFileProblem(`the API token file ${path} could not be made private (mode 0600)`);
  } finally {
    closeSync(fd);
  }
  return { token, path, created: true };
}
