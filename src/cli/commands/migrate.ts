import type { Command } from 'commander';
import { openStore } from '../../core/store/open.ts';
import { parseProfile } from '../../core/store/profile.ts';
import { resolveDb } from '../options.ts';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create the tables Catena needs that are missing (never drops or rewrites)')
    .option('--db <url>', 'database URL (default: CATENA_DB)')
    .action(async (options: { db?: string }) => {
      const store = await openStore(parseProfile(resolveDb(options.db)));
      try {
        const applied = await store.migrate();
        process.stdout.write(
          applied.length === 0
            ? `${store.info.location}: up to date, nothing to do\n`
            : `${store.info.location}: applied ${applied.join(', ')}\n`,
        );
      } finally {
        await store.close();
      }
    });
}
