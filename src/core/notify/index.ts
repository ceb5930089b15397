/** Notifications of alarm events by e-mail and webhook (docs/ARCHITECTURE.md, "Notifications"). */
import type { NotifyChannel } from '../store/port.ts';
import { type Channel, emailChannel, webhookChannel } from './channels.ts';
import { readSmtpSetting } from './smtp-setting.ts';

export { type Channel, DeliveryError, emailChannel, signature, webhookChannel } from './channels.ts';
export { formatHours, LANGS, type Lang, parseLang } from './message.ts';
export { Notifier, type NotifierOptions, type NotifierStats } from './notifier.ts';
export { matches } from './rules.ts';
export {
  maskedSmtpUrl,
  readSmtpSetting,
  type SmtpSetting,
  smtpUrlProblem,
  writeSmtpSetting,
} from './smtp-setting.ts';

/**
 * The channels from the environment: CATENA_SMTP_URL (+ CATENA_SMTP_FROM),
 * else the SMTP server set in the app (smtp-setting.ts); CATENA_WEBHOOK_SECRET.
 */
export function channelsFromEnv(
  env: Record<string, string | undefined> = process.env,
  warn?: (message: string) => void,
): Partial<Record<NotifyChannel, Channel>> {
  const channels: Partial<Record<NotifyChannel, Channel>> = {
    webhook: webhookChannel({ secret: env.CATENA_WEBHOOK_SECRET || null }),
  };
  if (env.CATENA_SMTP_URL) {
    channels.email = emailChannel({ smtpUrl: env.CATENA_SMTP_URL, from: env.CATENA_SMTP_FROM || undefined });
  } else {
    const setting = readSmtpSetting(env, warn);
    if (setting) channels.email = emailChannel({ smtpUrl: setting.url, from: setting.from ?? undefined });
  }
  return channels;
}
