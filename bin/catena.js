#!/usr/bin/env node
// Launcher for the Catena CLI. It runs on whatever Node started it: when that
// Node is older than the project's runtime (24), it re-executes itself with the
// Node 24 that `npm ci` installed (the `node` devDependency), so a fresh machine
// with an older system Node needs nothing by hand. The CLI itself is TypeScript
// run through Node 24's built-in type stripping: no build step after `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);

if (major < 24) {
  const local = join(root, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(local)) {
    process.stderr.write(
      `catena: needs Node 24 (this is Node ${process.versions.node}); run \`npm ci\` in ${root} to install it.\n`,
    );
    process.exit(1);
  }
  const result = spawnSync(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
} else {
  await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
