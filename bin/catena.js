#!/usr/bin/env node
// Launcher for the Catena CLI. It runs on whatever Node started it and starts
// the CLI in a child Node 24 with the project's V8 flags (bin/node-flags.json;
// why: docs/PERFORMANCE.md). When the Node that started it is older than 24,
// the child is the Node 24 that `npm ci` installed (the `node`
// devDependency), so a fresh machine with an older system Node needs nothing
// by hand. The CLI itself is TypeScript run through Node 24's built-in type
// stripping: no build step after `npm ci`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
const local = join(root, 'node_modules', 'node', 'bin', 'node');
const node = major >= 24 ? process.execPath : local;

if (!existsSync(node)) {
  process.stderr.write(
    `catena: needs Node 24 (this is Node ${process.versions.node}); run \`npm ci\` in ${root} to install it.\n`,
  );
  process.exit(1);
}

const flags = JSON.parse(readFileSync(join(root, 'bin', 'node-flags.json'), 'utf8'));
// Node's compile cache keeps the type-stripped, compiled modules on disk: every
// later command starts without stripping the CLI's TypeScript again.
const env = process.env.NODE_DISABLE_COMPILE_CACHE
  ? process.env
  : {
      ...process.env,
      NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'node-compile-cache'),
    };
const child = spawn(node, [...flags, join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});
// Ctrl-C reaches the child itself (same process group): the launcher ignores
// it. A SIGTERM or SIGHUP sent to the launcher alone (a service manager, a
// `kill`) is passed on, so the child cancels its launch and records it.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 128 : 1);
});
