/** A notifier process for the kill test: notifies one event to every rule, then waits forever. */
import { Notifier, webhookChannel } from '../../src/core/notify/index.ts';
import { openStore } from '../../src/core/store/open.ts';
import { parseProfile } from '../../src/core/store/profile.ts';

const store = await openStore(parseProfile(process.argv[2]!));
const notifier = new Notifier({
  store,
  channels: { webhook: webhookChannel({ secret: 's', timeoutMs: 600_000 }) },
  resumeAfterSeconds: 2,
});
await notifier.notify({ controlUnitCode: 'CU001', chain: 'A' }, [
  {
    metric: 'cumulative_mm',
    timestamp: 1_767_225_600,
    level: 2,
    previousLevel: 0,
    nodeIndex: 2,
    value: 31.5,
  },
]);
process.stdout.write('claimed\n');
setInterval(() => {}, 1_000);
