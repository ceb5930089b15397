/**
 * Notification rules through the API (as the console's rules panel uses
 * them), on SQLite and MariaDB: list with the channels this host can send
 * through, add (malformed rules refused with the field named), test against
 * a real SMTP server and HTTP receiver (and a target that is not there),
 * remove.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { methods } from '../../src/contract/methods.ts';
import { openCatenaService } from '../../src/core/service/service.ts';
import { buildServer } from '../../src/server/app.ts';
import { startHttp, startSmtp } from '../notify/receivers.ts';
import { createTestDatabase, mariadbAvailable } from '../support/mariadb.ts';

const tmp = mkdtempSync(join(tmpdir(), 'catena-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const kinds = [
  { kind: 'sqlite', available: true },
  { kind: 'mysql', available: mariadbAvailable },
] as const;

for (const { kind, available } of kinds) {
  describe.runIf(available)(`notification rules over the API on ${kind}`, () => {
    it('lists, adds, tests and removes rules; malformed ones are refused with the field named', async () => {
      let url = `sqlite:${join(tmp, 'rules.db')}`;
      let drop = async () => {};
      if (kind === 'mysql') {
        const db = await createTestDatabase('catena_rules');
        url = db.url;
        drop = db.drop;
      }
      const smtp = await startSmtp();
      const http = await startHttp();
      const service = await openCatenaService({
        db: url,
        env: { CATENA_SMTP_URL: smtp.url },
        staleCheckMinutes: 0,
        resumeNotifications: false,
      });
      const app = await buildServer({ service, staticDir: null, logLevel: 'silent' });
      try {
        const inject = (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: object) =>
          app.inject({ method, url: path, ...(payload ? { payload } : {}) });

        const empty = await inject('GET', '/api/v1/notify/rules');
        expect(empty.statusCode).toBe(200);
        expect(empty.json()).toEqual({ rules: [], channels: ['email', 'webhook'] });

        const refusals: [object, RegExp][] = [
          [
            { channel: 'email', target: 'not-an-address' },
            /target: "not-an-address" is not an e-mail address/,
          ],
          [{ channel: 'webhook', target: 'ftp://x' }, /target: "ftp:\/\/x" is not an http\(s\) URL/],
          [
            { channel: 'email', target: 'a@b.c', chain: 'A' },
            /controlUnitCode: a chain needs its control unit/,
          ],
          [{ channel: 'email', target: 'a@b.c', metric: 'rain' }, /metric/],
          [{ channel: 'sms', target: '+39' }, /channel/],
        ];
        for (const [body, message] of refusals) {
          const r = await inject('POST', '/api/v1/notify/rules', body);
          expect(r.statusCode, JSON.stringify(body)).toBe(400);
          expect((r.json() as { error: { message: string } }).error.message).toMatch(message);
        }

        const email = await inject('POST', '/api/v1/notify/rules', {
          controlUnitCode: 'CU001',
          chain: 'A',
          minLevel: 2,
          channel: 'email',
          target: 'ops@example.org',
        });
        expect(email.statusCode).toBe(201);
        expect(methods.addNotifyRule.output.safeParse(email.json()).success).toBe(true);
        const hook = await inject('POST', '/api/addNotifyRule', {
          metric: 'stale',
          channel: 'webhook',
          target: http.url,
        });
        expect(hook.statusCode).toBe(200);
        const dead = await inject('POST', '/api/v1/notify/rules', {
          channel: 'webhook',
          target: 'http://127.0.0.1:9/hook',
        });
        const [emailId, hookId, deadId] = [email, hook, dead].map((r) => (r.json() as { id: number }).id);
        expect(hook.json()).toMatchObject({
          controlUnitCode: null,
          chain: null,
          minLevel: 1,
          metric: 'stale',
        });

        const listed = await inject('GET', '/api/v1/notify/rules');
        expect((listed.json() as { rules: { id: number }[] }).rules.map((r) => r.id)).toEqual([
          emailId,
          hookId,
          deadId,
        ]);

        // tests reach their targets now: a mail, a POST
        expect((await inject('POST', `/api/v1/notify/rules/${emailId}/test`)).json()).toEqual({ sent: true });
        expect(smtp.mails.map((m) => m.to)).toEqual([['ops@example.org']]);
        expect(smtp.mails[0]!.raw).toMatch(/Subject: \[test\] Catena:/);
        expect((await inject('POST', '/api/testNotifyRule', { id: hookId })).json()).toEqual({ sent: true });
        expect(http.accepted).toHaveLength(1);
        // a target that is not there: 422 with the reason; an unknown rule: 422 RULE_NOT_FOUND
        const failed = await inject('POST', `/api/v1/notify/rules/${deadId}/test`);
        expect(failed.statusCode).toBe(422);
        expect(failed.json()).toMatchObject({
          error: {
            code: 'NOTIFY_FAILED',
            message: expect.stringMatching(/^the test message was not delivered: POST/),
          },
        });
        const unknown = await inject('POST', '/api/v1/notify/rules/999999/test');
        expect(unknown.json()).toMatchObject({ error: { code: 'RULE_NOT_FOUND' } });

        expect((await inject('DELETE', `/api/v1/notify/rules/${deadId}`)).json()).toEqual({ removed: true });
        expect((await inject('DELETE', `/api/v1/notify/rules/${deadId}`)).json()).toEqual({ removed: false });
        expect(await service.notifications.rules()).toHaveLength(2);
      } finally {
        await app.close();
        await service.close();
        await smtp.close();
        await http.close();
        await drop();
      }
    }, 60_000);
  });
}

describe('the SMTP server set in the app', () => {
  it('is kept in the data folder (owner only), used at once and after a restart; the environment wins', async () => {
    const home = mkdtempSync(join(tmp, 'home-'));
    const db = `sqlite:${join(tmp, 'smtp.db')}`;
    const smtp = await startSmtp();
    const env = { CATENA_HOME: home };
    const open = (more: Record<string, string> = {}) =>
      openCatenaService({ db, env: { ...env, ...more }, staleCheckMinutes: 0, resumeNotifications: false });
    let service = await open();
    let app = await buildServer({ service, staticDir: null, logLevel: 'silent' });
    const inject = (method: 'GET' | 'POST', path: string, payload?: object) =>
      app.inject({ method, url: path, ...(payload ? { payload } : {}) });
    try {
      expect((await inject('GET', '/api/v1/notify/smtp')).json()).toEqual({
        source: null,
        url: null,
        from: null,
      });
      expect((await inject('GET', '/api/v1/notify/rules')).json()).toMatchObject({ channels: ['webhook'] });
      const rule = await service.notifications.addRule({
        controlUnitCode: null,
        chain: null,
        minLevel: 1,
        metric: null,
        channel: 'email',
        target: 'ops@example.org',
      });
      const without = await inject('POST', `/api/v1/notify/rules/${rule.id}/test`);
      expect(without.json()).toMatchObject({
        error: { code: 'NOTIFY_FAILED', message: expect.stringMatching(/no SMTP server is configured/) },
      });

      const bad = await inject('POST', '/api/v1/notify/smtp', { url: 'http://mail.example.org' });
      expect(bad.statusCode).toBe(422);
      expect(bad.json()).toMatchObject({
        error: { message: expect.stringMatching(/starts with smtp:\/\/ or smtps:\/\//) },
      });

      // a password is kept in a file only its owner reads, and never shown again
      const secret = await inject('POST', '/api/v1/notify/smtp', {
        url: 'smtp://catena:s3cret@mail.example.org:587',
        from: 'Catena <catena@example.org>',
      });
      expect(secret.json()).toEqual({
        source: 'setting',
        url: 'smtp://catena:***@mail.example.org:587',
        from: 'Catena <catena@example.org>',
      });
      expect(statSync(join(home, 'smtp.json')).mode & 0o777).toBe(0o600);

      // the test server: used at once
      await inject('POST', '/api/setNotifySmtp', { url: smtp.url, from: 'Catena <catena@example.org>' });
      expect((await inject('GET', '/api/v1/notify/rules')).json()).toMatchObject({
        channels: ['email', 'webhook'],
      });
      expect((await inject('POST', `/api/v1/notify/rules/${rule.id}/test`)).json()).toEqual({ sent: true });
      expect(smtp.mails).toMatchObject([{ from: 'catena@example.org', to: ['ops@example.org'] }]);

      // and after a restart
      await app.close();
      await service.close();
      service = await open();
      app = await buildServer({ service, staticDir: null, logLevel: 'silent' });
      expect((await inject('GET', '/api/v1/notify/smtp')).json()).toMatchObject({
        source: 'setting',
        url: smtp.url,
      });
      expect((await inject('POST', `/api/v1/notify/rules/${rule.id}/test`)).json()).toEqual({ sent: true });
      expect(smtp.mails).toHaveLength(2);

      // removed: no e-mail from this host any more
      await inject('POST', '/api/v1/notify/smtp', { url: null });
      expect((await inject('GET', '/api/v1/notify/rules')).json()).toMatchObject({ channels: ['webhook'] });

      // CATENA_SMTP_URL wins, and cannot be changed from the app
      await app.close();
      await service.close();
      service = await open({ CATENA_SMTP_URL: smtp.url });
      app = await buildServer({ service, staticDir: null, logLevel: 'silent' });
      expect((await inject('GET', '/api/v1/notify/smtp')).json()).toMatchObject({ source: 'environment' });
      const refused = await inject('POST', '/api/v1/notify/smtp', { url: 'smtp://other.example.org' });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ error: { message: expect.stringMatching(/CATENA_SMTP_URL/) } });
    } finally {
      await app.close();
      await service.close();
      await smtp.close();
    }
  }, 60_000);
});
