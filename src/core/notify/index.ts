/** Notifications of alarm events by e-mail and webhook (docs/ARCHITECTURE.md, "Notifications"). */
import type { NotifyChannel } from '../store/port.ts';
import { type Channel, emailChannel, webhookChannel } from './channels.ts';

export { type Channel, DeliveryError, emailChannel, signature, webhookChannel } from './channels.ts';
export { formatHours, LANGS, type Lang, parseLang } from './message.ts';
export { Notifier, type NotifierOptions, type NotifierStats } from './notifier.ts';
export { matches } from './rules.ts';

/** The channels from the environment: CATENA_SMTP_URL (+ CATENA_SMTP_FROM), CATENA_WEBHOOK_SECRET. */
export function channelsFromEnv(
  env: Record<string, string | undefined> = process.env,
): Partial<Record<NotifyChannel, Channel>> {
  const channels: Partial<Record<NotifyChannel, Channel>> = {
    webhook: webhookChannel({ secret: env.CATENA_WEBHOOK_SECRET || null }),
  };
  if (env.CATENA_SMTP_URL) {
    channels.email = emailChannel({ smtpUrl: env.CATENA_SMTP_URL, from: env.CATENA_SMTP_FROM || undefined });
  }
  return channels;
}
