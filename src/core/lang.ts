/**
 * The operator's language for what the core writes for people (notification
 * messages, chain reports): English or Italian. The console has its own
 * resources (src/renderer/src/i18n); the core keeps small typed dictionaries.
 */

export const LANGS = ['en', 'it'] as const;
export type Lang = (typeof LANGS)[number];

/** `it`, `it-IT`, `it_IT.UTF-8` → it; anything else (or nothing) → en. */
export function parseLang(text: string | null | undefined): Lang {
  const code = (text ?? '').trim().toLowerCase().slice(0, 2);
  return (LANGS as readonly string[]).includes(code) ? (code as Lang) : 'en';
}

/**
 * The language a headless command writes in when none is asked for:
 * CATENA_LANG, else the system locale (LC_ALL, LC_MESSAGES, LANG), else English.
 */
export function langFromEnv(env: Readonly<Record<string, string | undefined>>): Lang {
  // an empty variable is unset, as the C library reads them
  const named = [env.CATENA_LANG, env.LC_ALL, env.LC_MESSAGES, env.LANG].find(
    (v) => v !== undefined && v !== '',
  );
  return parseLang(named);
}
