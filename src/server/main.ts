/**
 * `npm run serve`: the HTTP/WebSocket host on a database — the same host as
 * `npx catena serve` (both start it with serve.ts).
 *
 *   node src/server/main.ts [--db URL] [--port 8765] [--host 127.0.0.1] [--schedule CRON] [--static DIR]
 *
 * The database is --db, else CATENA_DB, else the demo SQLite database (created
 * when missing). Prints the URL to open on stdout, with the JSON log lines;
 * notes go to stderr.
 *
 * CATENA_API_TOKEN protects the API (and the interface: a browser enters it
 * once); off loopback without it, one is generated into the data folder.
 * CATENA_API_READ_TOKEN reads but cannot launch, cancel or change. CATENA_ALLOWED_HOSTS
 * (comma-separated) adds the names this server is reached by, besides
 * loopback and the bound address.
 */
import { parseArgs } from 'node:util';
import { resolveServeConfig, ServeRefusal, startServer } from './serve.ts';

export const SERVE_USAGE = `usage: node src/server/main.ts [--db URL] [--port N] [--host ADDR] [--schedule CRON] [--static DIR]
  --db URL         mysql://user:pass@host/db or sqlite:/path/file.db (env CATENA_DB; default: the demo database)
  --port N         port to listen on (env CATENA_PORT; default 8765; 0 = any free port)
  --host ADDR      address to listen on (env CATENA_HOST; default 127.0.0.1)
  --schedule CRON  incremental launch of all active chains on this cron, e.g. "*/10 * * * *" (env CATENA_SCHEDULE)
  --static DIR     the built interface to serve at / (default: out/renderer)
environment:
  CATENA_API_TOKEN     the API token (at least 16 characters): every API request and WebSocket must carry
                       it as "Authorization: Bearer <token>"; a browser enters it once. Off loopback
                       without it, one is generated into the data folder (file api-token, mode 0600)
  CATENA_API_READ_TOKEN  a read-only token: reads, but cannot launch, cancel or change (403)
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
      schedule: { type: 'string' },
      static: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}
try {
  args = parse();
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${SERVE_USAGE}`);
}
if (args.help) {
  process.stdout.write(`${SERVE_USAGE}\n`);
  process.exit(0);
}

try {
  const config = resolveServeConfig({ ...args, staticDir: args.static });
  await startServer(config, { signals: true });
} catch (error) {
  if (error instanceof ServeRefusal) fail(error.message);
  throw error;
}
