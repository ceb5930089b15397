/**
 * The console's language (i18next + react-i18next): Italian or English.
 * The first start follows the system (navigator.language, which is Electron's
 * app locale in the desktop app): Italian on an Italian system, English
 * otherwise; the header's switch changes it, remembered in localStorage.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { it } from './it.ts';

export const LANGS = ['en', 'it'] as const;
export type Lang = (typeof LANGS)[number];

const STORAGE_KEY = 'catena.lang';
/** emitted on the i18n instance when the time zone of displayed times changes (re-renders like a language change) */
export const DISPLAY_CHANGED = 'displayChanged';

function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** The remembered choice, else the system's language: `it…` is Italian, anything else English. */
export function initialLang(
  stored: string | null = readStored(),
  languages: readonly string[] = systemLanguages(),
): Lang {
  if (isLang(stored)) return stored;
  return languages[0]?.toLowerCase().startsWith('it') ? 'it' : 'en';
}

function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null; // storage refused (privacy mode): the system's language
  }
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, it: { translation: it } },
  lng: initialLang(),
  fallbackLng: 'en',
  supportedLngs: [...LANGS],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  react: { bindI18n: `languageChanged ${DISPLAY_CHANGED}`, useSuspense: false },
  initAsync: false,
});

export function currentLang(): Lang {
  return isLang(i18n.language) ? i18n.language : 'en';
}

/** Switches the console's language and remembers it on this workstation. */
export function setLang(lang: Lang): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered; the switch still applies
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

// the page's language (screen readers, hyphenation) follows the console's
if (typeof document !== 'undefined') document.documentElement.lang = currentLang();
