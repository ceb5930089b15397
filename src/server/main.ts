/**
 * `npm run serve`: the HTTP/WebSocket host on a database.
 *
 *   node src/server/main.ts [--db URL] [--port 8765] [--host 127.0.0.1] [--static DIR]
 *
 * The database is --db, else CATENA_DB, else the demo SQLite database (created
 * when missing). Prints the URL to open on stdout; logs go to stderr.
 *
 * CATENA_API_TOKEN protects the API (and the interface: a browser enters it
 * once); it is required to listen anywhere but loopback. CATENA_ALLOWED_HOSTS
 * (comma-separated) adds the names this server is reached by, besides
 * loopback and the bound address.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isCatenaError } from '../core/errors.ts';
import { createHostLog } from '../core/log.ts';
import { openCatenaService } from '../core/service/service.ts';
import { buildServer, serverOptionsProblem } from './app.ts';

const USAGE = `usage: node src/server/main.ts [--db URL] [--port N] [--host ADDR] [--static DIR]
  --db URL      mysql://user:pass@host/db or sqlite:/path/file.db (env CATENA_DB; default: the demo database)
  --port N      port to listen on (env CATENA_PORT; default 8765; 0 = any free port)
  --host ADDR   address to listen on (env CATENA_HOST; default 127.0.0.1)
  --static DIR  the built interface to serve at / (default: out/renderer)
environment:
  CATENA_API_TOKEN     the API token (at least 16 characters): every API request and WebSocket must carry
                       it as "Authorization: Bearer <token>"; a browser enters it once. Required unless
                       the address is loopback.
  CATENA_ALLOWED_HOSTS more host names this server answers to (comma-separated), e.g. its DNS name`;

function fail(message: string): never {
  process.stderr.write(`catena serve: ${message}\n`);
  process.exit(2);
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      db: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      static: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}
try {
  args = parse();
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const db = args.db ?? process.env.CATENA_DB ?? undefined;
const port = Number(args.port ?? process.env.CATENA_PORT ?? 8765);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be a port number, not "${args.port}"`);
const listenHost = args.host ?? process.env.CATENA_HOST ?? '127.0.0.1';
const staticDir = args.static ?? fileURLToPath(new URL('../../out/renderer', import.meta.url));
const apiToken = process.env.CATENA_API_TOKEN || null;
const allowedHosts = (process.env.CATENA_ALLOWED_HOSTS ?? '').split(',').filter((h) => h.trim() !== '');
// before the database is opened: a refused binding costs nothing
const problem = serverOptionsProblem({ listenHost, apiToken });
if (problem) fail(problem);
const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const log = createHostLog('server');

let service: Awaited<ReturnType<typeof openCatenaService>>;
try {
  service = await openCatenaService({
    db,
    ensureDemo: db === undefined,
    host: hostname(),
    onNotifyWarning: (warning) =>
      process.stderr.write(`${new Date().toISOString()} WARN notify: ${warning}\n`),
  });
} catch (error) {
  if (isCatenaError(error)) fail(error.message);
  fail(
    `unexpected error opening the database, see log file ${log.unexpected(error, 'opening the database')}`,
  );
}

const app = await buildServer({
  service,
  staticDir,
  logUnexpected: log.unexpected,
  listenHost,
  allowedHosts,
  apiToken,
  version,
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  process.stderr.write(`catena serve: ${signal}, closing\n`);
  const force = setTimeout(() => {
    process.stderr.write('catena serve: still closing after 10 s, exiting\n');
    process.exit(1);
  }, 10_000);
  force.unref();
  try {
    await app.close();
    await service.close();
  } catch (error) {
    log.unexpected(error, 'closing');
    process.exitCode = 1;
  }
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));

try {
  await app.listen({ port, host: listenHost });
} catch (error) {
  await service.close();
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') fail(`port ${port} on ${listenHost} is in use: choose another with --port`);
  fail(`cannot listen on ${listenHost}:${port}: ${error instanceof Error ? error.message : String(error)}`);
}

const address = app.server.address();
const actualPort = typeof address === 'object' && address !== null ? address.port : port;
const info = service.info();
const shownHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
process.stderr.write(`catena serve: ${info.kind} ${info.location}\n`);
process.stderr.write(
  apiToken === null
    ? 'catena serve: no API token (loopback only)\n'
    : 'catena serve: the API needs its token (CATENA_API_TOKEN); a browser asks for it once\n',
);
process.stdout.write(`Catena is serving on http://${shownHost}:${actualPort}/\n`);
process.stderr.write(`catena serve: API documentation at http://${shownHost}:${actualPort}/api/docs\n`);
