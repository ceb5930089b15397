/**
 * The channels a notification goes through. A channel throws a
 * DeliveryError: `transient` failures (timeouts, connection refused, HTTP
 * 5xx and 429, SMTP 4xx) are retried with backoff; others (HTTP 4xx, SMTP
 * 5xx, a bad address) fail the delivery at once.
 */
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { NotifyChannel } from '../store/port.ts';
import { type Notification, payloadOf, subjectOf, textOf } from './message.ts';

export class DeliveryError extends Error {
  readonly transient: boolean;
  constructor(message: string, transient: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
    this.transient = transient;
  }
}

export interface Channel {
  readonly kind: NotifyChannel;
  send(target: string, notification: Notification): Promise<void>;
  close?(): void;
}

/** `X-Catena-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the shared secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookOptions {
  /** CATENA_WEBHOOK_SECRET; without it the body is sent unsigned */
  secret: string | null;
  timeoutMs?: number;
}

export function webhookChannel(options: WebhookOptions): Channel {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    kind: 'webhook',
    async send(target, notification) {
      const body = JSON.stringify(payloadOf(notification));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'catena-notify',
      };
      if (options.secret) headers['x-catena-signature'] = signature(options.secret, body);
      let response: Response;
      try {
        response = await fetch(target, {
          method: 'POST',
          headers,
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        const why = timedOut ? `no answer within ${timeoutMs} ms` : errorText(error);
        // A URL that cannot be parsed never works; a network failure may pass.
        throw new DeliveryError(`POST ${target}: ${why}`, !(error instanceof TypeError && /URL/i.test(why)), {
          cause: error,
        });
      }
      await response.body?.cancel().catch(() => {});
      if (response.ok) return;
      const transient = response.status >= 500 || response.status === 429 || response.status === 408;
      throw new DeliveryError(`POST ${target}: HTTP ${response.status} ${response.statusText}`, transient);
    },
  };
}

export interface EmailOptions {
  /** CATENA_SMTP_URL, e.g. smtp://user:pass@mail.example.com:587 */
  smtpUrl: string;
  /** the sender (CATENA_SMTP_FROM, default catena@<localhost>) */
  from?: string;
  timeoutMs?: number;
  /** SMTP connections open at once to the server (default 64, the notifier's default e-mail bound) */
  connections?: number;
}

export function emailChannel(options: EmailOptions): Channel {
  const timeoutMs = options.timeoutMs ?? 15_000;
  // A pool: a connection (and its greeting) serves many messages; at most `connections` at once.
  const transport = nodemailer.createTransport(options.smtpUrl, {
    pool: true,
    maxConnections: options.connections ?? 64,
    maxMessages: 100,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as never);
  return {
    kind: 'email',
    async send(target, notification) {
      try {
        await transport.sendMail({
          from: options.from ?? 'Catena <catena@localhost>',
          to: target,
          subject: subjectOf(notification),
          text: textOf(notification),
        });
      } catch (error) {
        const code = (error as { responseCode?: unknown }).responseCode;
        // SMTP 5xx is final (unknown mailbox, refused); 4xx and connection failures pass with time.
        const transient = typeof code === 'number' ? code < 500 : true;
        throw new DeliveryError(`mail to ${target}: ${errorText(error)}`, transient, { cause: error });
      }
    },
    close() {
      transport.close();
    },
  };
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error && cause.message !== error.message ? ` (${cause.message})` : '';
  return `${error.message}${detail}`;
}
