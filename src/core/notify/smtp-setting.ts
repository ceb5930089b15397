/**
 * The SMTP server set in the app (when CATENA_SMTP_URL is not set): a small
 * file in Catena's data folder, readable by its owner only, since the URL may
 * carry the server's password. The environment wins over it.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CatenaError } from '../errors.ts';
import { dataDir } from '../paths.ts';

export interface SmtpSetting {
  /** smtp://user:pass@host:587 or smtps://… */
  url: string;
  /** the sender, e.g. "Catena <catena@example.org>"; null = the default */
  from: string | null;
}

const settingSchema = z.object({ url: z.string().min(1), from: z.string().nullable() });

export function smtpSettingPath(env: NodeJS.ProcessEnv): string {
  return join(dataDir(env), 'smtp.json');
}

/** Why this URL cannot be an SMTP server, or null. */
export function smtpUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL; write it as smtp://user:password@mail.example.org:587`;
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    return `an SMTP server URL starts with smtp:// or smtps://, not ${parsed.protocol}//`;
  }
  if (parsed.hostname === '') return 'the SMTP server URL names no host';
  return null;
}

/** The URL without its password, to show. */
export function maskedSmtpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

/** The saved setting, or null (none, or a file that does not read as one: reported through `warn`). */
export function readSmtpSetting(
  env: NodeJS.ProcessEnv,
  warn?: (message: string) => void,
): SmtpSetting | null {
  const path = smtpSettingPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const setting = settingSchema.parse(JSON.parse(text));
    const problem = smtpUrlProblem(setting.url);
    if (problem) throw new Error(problem);
    return setting;
  } catch (error) {
    warn?.(
      `the SMTP setting in ${path} is not usable (${error instanceof Error ? error.message : String(error)}); set it again in the app`,
    );
    return null;
  }
}

/** Saves (or, with null, removes) the setting; the file is readable by its owner only. */
export function writeSmtpSetting(env: NodeJS.ProcessEnv, setting: SmtpSetting | null): void {
  const path = smtpSettingPath(env);
  if (setting === null) {
    rmSync(path, { force: true });
    return;
  }
  const problem = smtpUrlProblem(setting.url);
  if (problem) throw new CatenaError('DATA_INVALID', problem);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(setting)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
