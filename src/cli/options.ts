/** Parsing of the options that several commands share. */
import { InvalidArgumentError } from 'commander';
import type { ChainKey } from '../core/domain/chain.ts';
import { CatenaError } from '../core/errors.ts';
import { hasPassword, withDatabasePassword } from '../core/store/password.ts';
import { parseDbTime } from '../core/time.ts';

/** `--db`, else CATENA_DB; the demo database when neither is given and `fallback` is set. */
export function resolveDb(db: string | undefined, fallback?: string): string {
  const url = db ?? process.env.CATENA_DB ?? fallback;
  if (!url) {
    throw new CatenaError(
      'PROFILE_INVALID',
      'no database given: pass --db mysql://user@host:3306/db with the password in CATENA_DB_PASSWORD ' +
        '(or sqlite:/path/file.db), or set CATENA_DB',
    );
  }
  if (db !== undefined && hasPassword(db)) {
    process.stderr.write(
      'catena: warning: the password in --db is visible to every user of this computer (ps); ' +
        'give the URL without it and set CATENA_DB_PASSWORD (or CATENA_DB_PASSWORD_FILE) instead\n',
    );
  }
  return withDatabasePassword(url, process.env);
}

/** `CU001:A` or `CU001-A`. */
export function parseChain(value: string, previous: ChainKey[] = []): ChainKey[] {
  const m = /^([^:\s]+)[:/]([^:\s]+)$/.exec(value.trim()) ?? /^([^-\s]+)-([^-\s]+)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`"${value}" is not a chain; write it as CU001:A`);
  return [...previous, { controlUnitCode: m[1]!, chain: m[2]! }];
}

/** `2026-10-01`, `2026-10-01 12:00:00` or ISO 8601 in UTC → epoch seconds. */
export function parseTime(value: string): number {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()} 00:00:00` : value;
  const t = parseDbTime(text);
  if (t === null)
    throw new InvalidArgumentError(
      `"${value}" is not a time; write it as 2026-10-01 or 2026-10-01T12:00:00Z (UTC)`,
    );
  return t;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 1`);
  return n;
}
