import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { installDemoSite } from '../../core/demo/install.ts';
import { defaultDatabaseUrl } from '../../core/service/service.ts';
import { openStore } from '../../core/store/open.ts';
import { parseProfile } from '../../core/store/profile.ts';
import { resolveDb } from '../options.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('create or refresh the demo site (default: the SQLite file that `npm start` uses)')
    .option('--db <url>', 'database URL (default: CATENA_DB, else the demo SQLite file)')
    .action(async (options: { db?: string }) => {
      const profile = parseProfile(resolveDb(options.db, defaultDatabaseUrl()));
      if (profile.kind === 'sqlite') mkdirSync(dirname(profile.path), { recursive: true });
      const store = await openStore(profile);
      try {
        const started = performance.now();
        const summary = await installDemoSite(store, {
          onProgress: (p) => {
            if (process.stderr.isTTY) process.stderr.write(`\r  ${p.chain}: ${p.done}/${p.total} rows   `);
          },
        });
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stdout.write(
          `demo site ready in ${store.info.location}: ${summary.chains} chains, ${summary.rawRows} raw rows (${seconds} s)\n`,
        );
      } finally {
        await store.close();
      }
    });
}
