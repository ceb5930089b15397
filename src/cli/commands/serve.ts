import type { Command } from 'commander';
import { resolveServeConfig, ServeRefusal, startServer } from '../../server/serve.ts';
import { ExitCode } from '../errors.ts';

interface ServeOptions {
  db?: string;
  host?: string;
  port?: string;
  schedule?: string;
  static?: string;
}

/**
 * `catena serve`: the headless service, the same host as `npm run serve`
 * (src/server/serve.ts). Runs until SIGTERM or SIGINT, which cancel the
 * running launches, wait until they are recorded and exit 0.
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the API, the events WebSocket and the interface over HTTP; optionally on a schedule')
    .option('--db <url>', 'database URL (default: CATENA_DB, else the demo database)')
    .option('--host <addr>', 'address to listen on (default: CATENA_HOST, else 127.0.0.1)')
    .option('--port <n>', 'port (default: CATENA_PORT, else 8765; 0 = any free port)')
    .option(
      '--schedule <cron>',
      'incremental launch of all active chains on this cron, e.g. "*/10 * * * *" (default: CATENA_SCHEDULE)',
    )
    .option('--static <dir>', 'the built interface to serve at / (default: out/renderer)')
    .addHelpText(
      'after',
      '\nEnvironment: CATENA_API_TOKEN (off loopback without it, one is generated into the data folder),\n' +
        'CATENA_API_READ_TOKEN (reads, cannot launch or cancel), CATENA_ALLOWED_HOSTS (more Host names).\n' +
        'Logs: JSON lines on stdout, one per request and per launch.',
    )
    .action(async (options: ServeOptions) => {
      try {
        const config = resolveServeConfig({
          db: options.db,
          host: options.host,
          port: options.port,
          schedule: options.schedule,
          staticDir: options.static,
        });
        await startServer(config, { signals: true });
      } catch (error) {
        if (error instanceof ServeRefusal) {
          process.stderr.write(`catena serve: ${error.message}\n`);
          throw new ExitCode(2);
        }
        throw error;
      }
    });
}
