/**
 * `npm run bench:notify [recipients] [delayMs] [concurrency…]`: the original
 * notes' case of e-mails that take 500 ms each. 200 rules (one recipient
 * each) and one event, against an in-process SMTP server that delays every
 * message; prints the total time and the event loop's p99 delay meanwhile,
 * with the notifier's DEFAULT bound (then with each bound given after the
 * delay, for comparison), and checks that nothing was sent twice. Exits 1
 * when the default bound misses the target (under 3 s, none sent twice).
 * One message goes first, untimed, so that loading nodemailer's modules is
 * not counted (a running host has loaded them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { emailChannel, Notifier } from '../src/core/notify/index.ts';
import { DEFAULT_CONCURRENCY } from '../src/core/notify/notifier.ts';
import { openStore } from '../src/core/store/open.ts';
import { parseProfile } from '../src/core/store/profile.ts';
import { startSmtp } from '../tests/notify/receivers.ts';

const recipients = Number(process.argv[2] ?? 200);
const delayMs = Number(process.argv[3] ?? 500);
/** null = the notifier's default */
const bounds: (number | null)[] = [null, ...process.argv.slice(4).map(Number)];
const TARGET_SECONDS = 3;
const KEY = { controlUnitCode: 'CU001', chain: 'A' };
let missed = false;

const tmp = mkdtempSync(join(tmpdir(), 'catena-bench-notify-'));
const smtp = await startSmtp({ delayMs });
try {
  for (const concurrency of bounds) {
    const store = await openStore(parseProfile(`sqlite:${join(tmp, `b${concurrency ?? 'default'}.db`)}`));
    await store.migrate();
    for (let i = 0; i < recipients; i++) {
      await store.addNotifyRule({
        controlUnitCode: null,
        chain: null,
        minLevel: 1,
        metric: null,
        channel: 'email',
        target: `ops${i}@example.com`,
      });
    }
    // One message first, not timed: the first send loads nodemailer's modules (a running host has them).
    const email = emailChannel({ smtpUrl: smtp.url });
    await email.send('warm-up@example.com', {
      kind: 'test',
      event: {
        ...KEY,
        metric: 'cumulative_mm',
        timestamp: 0,
        level: 1,
        previousLevel: 0,
        nodeIndex: 1,
        value: 1,
      },
      siteName: null,
      depthM: null,
      link: null,
    });
    smtp.mails.length = 0;
    const notifier = new Notifier({
      store,
      channels: { email },
      ...(concurrency === null ? {} : { concurrency }),
    });
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const t0 = performance.now();
    await notifier.notify({ controlUnitCode: 'CU001', chain: 'A' }, [
      {
        metric: 'cumulative_mm',
        timestamp: 1_767_225_600,
        level: 2,
        previousLevel: 0,
        nodeIndex: 3,
        value: 21.5,
      },
    ]);
    const claimedIn = (performance.now() - t0) / 1000;
    const stats = await notifier.idle();
    const seconds = (performance.now() - t0) / 1000;
    loop.disable();
    const unique = new Set(smtp.mails.map((m) => m.to.join(','))).size;
    const twice = smtp.mails.length - unique;
    const label =
      concurrency === null
        ? `default (${DEFAULT_CONCURRENCY.email} e-mails at once)`
        : `concurrency ${concurrency}`;
    if (concurrency === null && (seconds >= TARGET_SECONDS || twice > 0 || stats.sent !== recipients)) {
      missed = true;
    }
    process.stdout.write(
      `${label}: ${stats.sent} sent in ${seconds.toFixed(2)} s (claimed in ${claimedIn.toFixed(2)} s), ` +
        `event-loop p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, ` +
        `${twice} sent twice, ${stats.failed} failed\n`,
    );
    await notifier.close(0);
    await store.close();
  }
} finally {
  await smtp.close();
  rmSync(tmp, { recursive: true, force: true });
}
if (missed) {
  process.stderr.write(
    `the default bound missed the target: ${recipients} e-mails in under ${TARGET_SECONDS} s, none twice\n`,
  );
  process.exitCode = 1;
}
