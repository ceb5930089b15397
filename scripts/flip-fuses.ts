/**
 * `npm run package:fuses -- <electron executable>`: flips the fuses of
 * electron.fuses.ts into a packaged app's Electron binary (packaging step;
 * this machine has no Electron binary, so it runs where the app is packaged).
 */
import { existsSync } from 'node:fs';
import { flipFuses } from '@electron/fuses';
import { FUSES } from '../electron.fuses.ts';

const target = process.argv[2];
if (!target || !existsSync(target)) {
  process.stderr.write("usage: npm run package:fuses -- <path to the packaged app's Electron executable>\n");
  process.exit(2);
}
await flipFuses(target, FUSES);
process.stdout.write(`fuses set in ${target}\n`);
