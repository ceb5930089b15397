/**
 * `catena`: the headless host. Batch runs and site administration from a
 * terminal or a scheduler; the same core as the desktop app.
 */
import { Command } from 'commander';
import { registerAck } from './commands/ack.ts';
import { registerDemo } from './commands/demo.ts';
import { registerElaborate } from './commands/elaborate.ts';
import { registerExport } from './commands/export.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerNotify } from './commands/notify.ts';
import { registerReport } from './commands/report.ts';
import { registerServe } from './commands/serve.ts';
import { registerSnapshot } from './commands/snapshot.ts';
import { registerStations } from './commands/stations.ts';
import { reportFailure } from './errors.ts';

const program = new Command()
  .name('catena')
  .description('Catena — elaboration of RSN tilt-sensor chains (headless)')
  .showHelpAfterError();

registerDemo(program);
registerMigrate(program);
registerStations(program);
registerElaborate(program);
registerExport(program);
registerSnapshot(program);
registerReport(program);
registerServe(program);
registerNotify(program);
registerAck(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}
