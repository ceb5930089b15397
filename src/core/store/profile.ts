/**
 * Connection profiles: where the store is. Accepted forms:
 *
 * - a URL: `mysql://user:password@host:port/database` (`mariadb://` too;
 *   port 3306 by default; user and password percent-encoded; options
 *   `?tls=true|false|skip-verify`), `sqlite:/absolute/file.db`,
 *   `sqlite:relative/file.db` (relative to the `baseDir` given to openStore,
 *   by default the working directory), `sqlite:///absolute/file.db`,
 *   `sqlite::memory:`, or a bare file name ending in .db, .sqlite or .sqlite3
 *   (`site.db`, `/home/ops/site.db`: an SQLite file);
 * - `{ url: '…' }`;
 * - fields: `{ kind: 'mysql', host, port?, user, password?, database, tls? }`
 *   or `{ kind: 'sqlite', path }` (`kind: 'mariadb'` is read as mysql).
 *
 * `parseProfile` returns a typed profile or throws PROFILE_INVALID with a
 * sentence naming the field; the password never appears in a message.
 * `redact` gives the URL to show (no password).
 */
import { z } from 'zod';
import { CatenaError } from '../errors.ts';

export interface TlsOptions {
  /** verify the server certificate (default true) */
  rejectUnauthorized?: boolean;
  /** PEM text of the CA certificate(s) that signed the server certificate */
  ca?: string;
}

export interface MysqlProfile {
  kind: 'mysql';
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** true: require TLS with certificate verification; an object: require TLS with these options */
  tls?: boolean | TlsOptions;
}

export interface SqliteProfile {
  kind: 'sqlite';
  /** a file path, relative paths resolved by openStore; `:memory:` for a throw-away database */
  path: string;
}

export type ConnectionProfile = MysqlProfile | SqliteProfile;

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$|^\d{1,3}(?:\.\d{1,3}){3}$|^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;
const DATABASE = /^[A-Za-z0-9_$-]{1,64}$/;

const tlsSchema = z.union([
  z.boolean(),
  z.strictObject({
    rejectUnauthorized: z.boolean().optional(),
    ca: z.string().min(1, 'tls.ca must be the PEM text of a certificate').optional(),
  }),
]);

const mysqlSchema = z.strictObject({
  kind: z.enum(['mysql', 'mariadb']).transform((): 'mysql' => 'mysql'),
  host: z
    .string()
    .trim()
    .min(1, 'host is empty')
    .transform((h) => (h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h))
    .refine((h) => HOST.test(h), 'host must be a host name or an IP address'),
  port: z.coerce
    .number()
    .int('port must be a whole number')
    .min(1, 'port must be between 1 and 65535')
    .max(65535, 'port must be between 1 and 65535')
    .default(3306),
  user: z.string().min(1, 'user is empty').max(80, 'user is longer than 80 characters'),
  password: z.string().default(''),
  database: z
    .string()
    .regex(
      DATABASE,
      'database must be 1 to 64 letters, digits, _, $ or - (the name of an existing database)',
    ),
  tls: tlsSchema.optional(),
});

const sqliteSchema = z.strictObject({
  kind: z.literal('sqlite'),
  path: z
    .string()
    .trim()
    .min(1, 'path is empty')
    .refine((p) => !p.includes('\u0000'), 'path contains a NUL character'),
});

const fieldsSchema = z.discriminatedUnion('kind', [mysqlSchema, sqliteSchema], {
  error: "kind must be 'mysql', 'mariadb' or 'sqlite'",
});

function invalid(message: string, cause?: unknown): CatenaError {
  return new CatenaError('PROFILE_INVALID', `Connection profile: ${message}.`, {}, { cause });
}

function parseTlsParam(value: string): boolean | TlsOptions {
  switch (value.toLowerCase()) {
    case 'true':
    case '1':
    case 'required':
    case 'verify':
      return true;
    case 'false':
    case '0':
    case 'disabled':
      return false;
    case 'skip-verify':
      return { rejectUnauthorized: false };
    default:
      throw invalid(`tls=${value} is not one of true, false, skip-verify`);
  }
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch (error) {
    throw invalid(`the ${what} in the URL has a malformed %-escape`, error);
  }
}

const AUTHORITY_PORT = /^[A-Za-z]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*)(?::([^/?#]*))?/;

function fromMysqlUrl(text: string): unknown {
  const port = AUTHORITY_PORT.exec(text)?.[1];
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw invalid(`port must be a whole number between 1 and 65535, not '${port}'`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw invalid('the URL is malformed (expected mysql://user:password@host:port/database)', error);
  }
  if (url.hostname === '')
    throw invalid('the URL has no host (expected mysql://user:password@host:port/database)');
  if (url.username === '')
    throw invalid('the URL has no user (expected mysql://user:password@host:port/database)');
  const database = decode(url.pathname.replace(/^\//, ''), 'database');
  if (database === '') {
    throw invalid('the URL has no database name (expected mysql://user:password@host:port/database)');
  }
  const fields: Record<string, unknown> = {
    kind: 'mysql',
    host: url.hostname,
    user: decode(url.username, 'user'),
    password: decode(url.password, 'password'),
    database,
  };
  if (url.port !== '') fields.port = url.port;
  for (const [name, value] of url.searchParams) {
    if (name === 'tls' || name === 'ssl') fields.tls = parseTlsParam(value);
    else throw invalid(`the URL option '${name}' is unknown (known: tls)`);
  }
  return fields;
}

function fromSqliteUrl(text: string): unknown {
  let path = text.slice('sqlite:'.length);
  if (path.startsWith('///')) path = path.slice(2);
  else if (path.startsWith('//')) {
    throw invalid(
      'a SQLite URL is sqlite:/absolute/path.db, sqlite:///absolute/path.db or sqlite:relative.db',
    );
  }
  return { kind: 'sqlite', path };
}

const SQLITE_FILE = /\.(?:db|sqlite|sqlite3)$/i;

function fromUrl(text: string): unknown {
  const trimmed = text.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'mysql' || scheme === 'mariadb') return fromMysqlUrl(trimmed);
  if (scheme === 'sqlite') return fromSqliteUrl(trimmed);
  // A bare SQLite file name (`npm start -- --db site.db`, a snapshot): no scheme, or a drive letter.
  if ((scheme === undefined || scheme.length === 1) && SQLITE_FILE.test(trimmed)) {
    return { kind: 'sqlite', path: trimmed };
  }
  throw invalid(
    'expected a URL starting with mysql://, mariadb:// or sqlite: ' +
      '(e.g. mysql://catena:secret@db.example:3306/monitoring or sqlite:demo.db)',
  );
}

/** A typed profile from a URL string, `{ url }` or fields; PROFILE_INVALID otherwise. */
export function parseProfile(input: unknown): ConnectionProfile {
  let fields = input;
  if (typeof input === 'string') fields = fromUrl(input);
  else if (typeof input === 'object' && input !== null && 'url' in input) {
    const { url, ...rest } = input as Record<string, unknown>;
    if (typeof url !== 'string') throw invalid('url must be a string');
    if (Object.keys(rest).length > 0)
      throw invalid(`give either url or fields, not both (${Object.keys(rest)})`);
    fields = fromUrl(url);
  } else if (typeof input !== 'object' || input === null) {
    throw invalid('expected a URL or an object with kind mysql or sqlite');
  }
  const parsed = fieldsSchema.safeParse(fields);
  if (parsed.success) return stripUndefined(parsed.data);
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  const message = issue?.message ?? 'invalid';
  // zod's own messages name no field; ours start with the field name already.
  throw invalid(field !== '' && !message.startsWith(field) ? `${field}: ${message}` : message);
}

function stripUndefined(profile: MysqlProfile | SqliteProfile): ConnectionProfile {
  if (profile.kind === 'sqlite') return { kind: 'sqlite', path: profile.path };
  const { tls, ...rest } = profile;
  return tls === undefined ? rest : { ...rest, tls };
}

/** The profile as a URL without the password, for display and logs. */
export function redact(profile: ConnectionProfile): string {
  if (profile.kind === 'sqlite') return `sqlite:${profile.path}`;
  const host = profile.host.includes(':') ? `[${profile.host}]` : profile.host;
  let tls = '';
  if (profile.tls === true) tls = '?tls=true';
  else if (typeof profile.tls === 'object')
    tls = profile.tls.rejectUnauthorized === false ? '?tls=skip-verify' : '?tls=true';
  return `mysql://${encodeURIComponent(profile.user)}@${host}:${profile.port}/${profile.database}${tls}`;
}
