/**
 * mysql2 / network / TLS failures → CatenaError with a sentence the operator
 * can act on. The driver's error is kept as `cause`, and its code and a short
 * excerpt of its message appear in parentheses at the end, never alone.
 * Errors that are not recognised are returned as null: the caller rethrows
 * them unchanged, as unexpected failures (a bug, logged with its stack).
 */
import { CatenaError, type ErrorCode, type ErrorSubject } from '../../errors.ts';

export interface MysqlContext {
  host: string;
  port: number;
  user: string;
  database: string;
  connectTimeoutMs: number;
}

interface DriverFields {
  code: string;
  errno: number;
  message: string;
}

function field(error: object, name: string): unknown {
  return (error as Record<string, unknown>)[name];
}

/** code / errno / message of a driver or socket error (the first inner error of an AggregateError). */
export function driverFields(error: unknown): DriverFields | null {
  if (typeof error !== 'object' || error === null) return null;
  let code = field(error, 'code');
  const inner = field(error, 'errors');
  if (typeof code !== 'string' && Array.isArray(inner) && inner.length > 0) {
    return driverFields(inner[0]);
  }
  const errno = field(error, 'errno');
  const sqlMessage = field(error, 'sqlMessage');
  const message = typeof sqlMessage === 'string' ? sqlMessage : error instanceof Error ? error.message : '';
  if (typeof code !== 'string') code = '';
  return { code: code as string, errno: typeof errno === 'number' ? errno : 0, message };
}

function note(fields: DriverFields): string {
  const text = fields.message.length > 140 ? `${fields.message.slice(0, 137)}…` : fields.message;
  return fields.code ? `(${fields.code}: ${text})` : `(${text})`;
}

const UNKNOWN_HOST = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL', 'EAI_NONAME']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ETIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);
export const LOST_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);
export const LOST_ERRNOS = new Set([
  1053, // ER_SERVER_SHUTDOWN
  1927, // ER_CONNECTION_KILLED (MariaDB)
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
]);
const TLS_CODES =
  /^(?:HANDSHAKE_SSL_ERROR|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|EPROTO$)/;

const seconds = (ms: number): string =>
  ms >= 10_000 ? String(Math.round(ms / 1000)) : String(Math.round(ms / 100) / 10);

/** Privileges to grant so that Catena can do `command` on its tables. */
function grantFor(command: string): string {
  switch (command.toUpperCase()) {
    case 'CREATE':
    case 'ALTER':
    case 'INDEX':
    case 'DROP':
      return 'SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX';
    case 'SELECT':
      return 'SELECT';
    default:
      return 'SELECT, INSERT, UPDATE, DELETE';
  }
}

/** `'user'@'host'` as the server wrote it in the message, or the profile's user at any host. */
function account(message: string, ctx: MysqlContext): string {
  const m = /user '([^']*)'@'([^']*)'/.exec(message);
  return m ? `'${m[1]}'@'${m[2]}'` : `'${ctx.user}'@'%'`;
}

/**
 * The CatenaError for a failure while `doing` (e.g. "connecting",
 * "writing the elaborated rows of chain CU001-A"), or null when the failure
 * is not one the operator can act on.
 */
export function classifyMysqlError(error: unknown, ctx: MysqlContext, doing: string): CatenaError | null {
  if (error instanceof CatenaError) return error;
  const fields = driverFields(error);
  if (!fields) return null;
  if (fields.code === 'CATENA_MIGRATION_BUSY') {
    return new CatenaError(
      'STORE_ERROR',
      'Another Catena is migrating this database and has not finished within 60 s; run again later.',
    );
  }
  const { code, errno, message } = fields;
  const server = `${ctx.host}:${ctx.port}`;
  const make = (errorCode: ErrorCode, text: string, subject: ErrorSubject = {}) =>
    new CatenaError(errorCode, `${text} ${note(fields)}`, subject, { cause: error });

  if (UNKNOWN_HOST.has(code)) {
    return make(
      'CONNECTION_UNKNOWN_HOST',
      `Cannot find the database server "${ctx.host}": the name does not resolve. Check the host in the ` +
        'connection profile, and the network and DNS of this computer.',
    );
  }
  if (code === 'ECONNREFUSED') {
    return make(
      'CONNECTION_REFUSED',
      `The database server ${server} refused the connection. Check that MariaDB/MySQL is running there ` +
        `and listening on port ${ctx.port}, and that the port in the connection profile is right.`,
    );
  }
  if (code === 'CATENA_POOL_FULL') {
    return make(
      'STORE_BUSY',
      `Catena has too many requests waiting for the database server ${server} while ${doing}; ` +
        'try again in a moment (if it lasts, fewer chains at once or a larger connection pool help).',
    );
  }
  if (code === 'CATENA_SERVER_TIMEOUT') {
    const ms = Number((error as { ms?: unknown }).ms);
    return make(
      'CONNECTION_TIMEOUT',
      `The database server ${server} did not answer within ${seconds(Number.isFinite(ms) ? ms : ctx.connectTimeoutMs)} s ` +
        `while ${doing}: it may be overloaded, stopped or unreachable. The connection was given up (an unfinished ` +
        'write is rolled back by the server). Check the server and the network, then run again.',
    );
  }
  if (TIMEOUT.has(code) || (code === 'PROTOCOL_SEQUENCE_TIMEOUT' && doing === 'connecting')) {
    return make(
      'CONNECTION_TIMEOUT',
      `The database server ${server} did not answer within ${seconds(ctx.connectTimeoutMs)} s ` +
        'while connecting. Check the host and port in the connection profile, the network, and any ' +
        'firewall between this computer and the server.',
    );
  }
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return make(
      'CONNECTION_TLS',
      `The connection profile requires TLS but the database server ${server} does not offer it. Enable ` +
        'TLS on the server (ssl_cert, ssl_key), or turn tls off in the profile if the network is trusted.',
    );
  }
  if (TLS_CODES.test(code)) {
    return make(
      'CONNECTION_TLS',
      `The TLS handshake with the database server ${server} failed: its certificate is not trusted or ` +
        "does not match the host name. Give the server's CA certificate in the profile (tls.ca), or use " +
        'the host name the certificate was issued for.',
    );
  }
  if (LOST_CODES.has(code) || LOST_ERRNOS.has(errno)) {
    return make(
      'CONNECTION_LOST',
      `The connection to the database server ${server} was lost while ${doing}. Check that the server ` +
        'is running and the network is up, then run again; an unfinished write was rolled back.',
    );
  }
  switch (errno) {
    case 1045: // ER_ACCESS_DENIED_ERROR
    case 1698: // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
      return make(
        'CONNECTION_ACCESS_DENIED',
        `The database server ${server} refused user "${ctx.user}": the password is wrong, or this user ` +
          'may not connect from this computer. Check the user and password in the connection profile.',
      );
    case 1049: // ER_BAD_DB_ERROR
      return make(
        'CONNECTION_UNKNOWN_DATABASE',
        `The database server ${server} has no database "${ctx.database}". Check the database name in the ` +
          `connection profile, or create it (CREATE DATABASE \`${ctx.database}\`) and run \`catena migrate\`.`,
      );
    case 1044: // ER_DBACCESS_DENIED_ERROR
      return make(
        'CONNECTION_PRIVILEGES',
        `User "${ctx.user}" may not use database "${ctx.database}". Ask the database administrator to run: ` +
          `GRANT SELECT, INSERT, UPDATE, DELETE ON \`${ctx.database}\`.* TO ${account(message, ctx)}.`,
      );
    case 1142: // ER_TABLEACCESS_DENIED_ERROR
    case 1143: {
      // "<CMD> command denied to user 'u'@'h' for table `db`.`t`" (MariaDB) or "… for table 't'" (MySQL)
      // "INSERT, DELETE command denied …" for REPLACE / LOAD DATA … REPLACE
      const m =
        /^([A-Z][A-Z ,]*?) command denied .* for table [`']?(?:[^`'.]+[`']?\.[`']?)?([^`']+)[`']?/i.exec(
          message,
        );
      const commands = (m?.[1] ?? '').toUpperCase();
      const table = m?.[2] ?? 'a table';
      const command = commands.split(/,\s*/)[0] ?? '';
      const what =
        commands === '' ? 'a privilege' : `the ${commands} privilege${commands.includes(',') ? 's' : ''}`;
      return make(
        'CONNECTION_PRIVILEGES',
        `User "${ctx.user}" lacks ${what} on table ${table}, needed for ${doing}. Ask the ` +
          `database administrator to run: GRANT ${grantFor(command)} ON \`${ctx.database}\`.* TO ` +
          `${account(message, ctx)}.`,
        { table },
      );
    }
    case 1227: // ER_SPECIFIC_ACCESS_DENIED_ERROR
    case 1370: // ER_PROCACCESS_DENIED_ERROR
      return make(
        'CONNECTION_PRIVILEGES',
        `User "${ctx.user}" lacks a privilege needed for ${doing}. Ask the database administrator to grant it.`,
      );
    case 1290: // ER_OPTION_PREVENTS_STATEMENT (--read-only)
    case 1836: // ER_READ_ONLY_MODE
    case 1792: // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
      return make(
        'CONNECTION_PRIVILEGES',
        `The database server ${server} is read-only and refused ${doing}. Connect to the primary server.`,
      );
    case 1040: // ER_CON_COUNT_ERROR
      return make(
        'CONNECTION_REFUSED',
        `The database server ${server} has too many connections open. Close other programs using it, or ` +
          'ask the administrator to raise max_connections.',
      );
    case 1146: {
      // ER_NO_SUCH_TABLE
      const table = /Table '(?:[^'.]+\.)?([^']+)' doesn't exist/.exec(message)?.[1] ?? 'a table';
      return make(
        'NOT_A_CATENA_DATABASE',
        `Table ${table} does not exist in database "${ctx.database}" (needed for ${doing}). Check the database ` +
          'name in the connection profile, or run `catena migrate` to create the missing tables.',
        { table },
      );
    }
    case 1054: {
      // ER_BAD_FIELD_ERROR
      const column = /Unknown column '([^']+)'/.exec(message)?.[1] ?? 'a column';
      return make(
        'NOT_A_CATENA_DATABASE',
        `A column Catena needs (${column}) is missing in database "${ctx.database}". Run \`catena migrate\`, ` +
          'which adds the missing columns.',
        { column },
      );
    }
    case 1205: // ER_LOCK_WAIT_TIMEOUT
    case 1213: // ER_LOCK_DEADLOCK
      return make(
        'STORE_ERROR',
        `The database was busy: another session held locks on the same rows while ${doing}. Run again.`,
      );
    case 1021: // ER_DISK_FULL
    case 1114: // ER_RECORD_FILE_FULL
      return make(
        'STORE_ERROR',
        `The database server ${server} ran out of space while ${doing}. Free disk space on the server.`,
      );
    case 1153: // ER_NET_PACKET_TOO_LARGE
      return make(
        'STORE_ERROR',
        `The database server ${server} refused a statement larger than its max_allowed_packet while ` +
          `${doing}. Ask the administrator to raise max_allowed_packet.`,
      );
    case 1406: // ER_DATA_TOO_LONG
      return make(
        'DATA_INVALID',
        `A value is longer than its column allows while ${doing}; shorten it (codes are at most 32 ` +
          'characters, chains 16).',
      );
  }
  return null;
}

/** LOAD DATA LOCAL refused by the server or the client library: fall back to INSERT. */
export function isLocalInfileRefused(error: unknown): boolean {
  const fields = driverFields(error);
  if (!fields) return false;
  return (
    fields.errno === 1148 || // ER_NOT_ALLOWED_COMMAND
    fields.errno === 3948 || // ER_CLIENT_LOCAL_FILES_DISABLED
    fields.errno === 2068 || // CR_LOAD_DATA_LOCAL_INFILE_REJECTED
    /LOCAL INFILE|not allowed with this (?:MariaDB|MySQL) version/i.test(fields.message)
  );
}

/** InnoDB chose this transaction as a deadlock victim and rolled it back: running it again is safe. */
export function isDeadlock(error: unknown): boolean {
  return driverFields(error)?.errno === 1213;
}
