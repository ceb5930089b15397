/**
 * Display helpers. Numbers follow the console's language (a decimal comma in
 * Italian); times are shown in the zone the header chose (UTC by default, as
 * the database holds them, or the site's local time), always as
 * `YYYY-MM-DD HH:MM` so that they sort and read the same in both languages.
 */
import { CatenaApiError } from '../../contract/errors.ts';
import { currentLang, i18n } from './i18n/index.ts';

let displayZone = 'UTC';

/** Sets the zone every time below is shown in (the header's UTC / local switch). */
export function setDisplayZone(zone: string): void {
  displayZone = zone;
}

export function getDisplayZone(): string {
  return displayZone;
}

const LOCALES = { en: 'en-US', it: 'it-IT' } as const;
const locale = () => LOCALES[currentLang()];

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(digits: number | 'int'): Intl.NumberFormat {
  const key = `${locale()}/${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format =
      digits === 'int'
        ? new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 })
        : new Intl.NumberFormat(locale(), {
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
            useGrouping: false,
          });
    numberFormats.set(key, format);
  }
  return format;
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock fields of an instant in a zone. */
function partsIn(
  epochSeconds: number,
  zone: string,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  let format = timeFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    timeFormats.set(zone, format);
  }
  const parts = { year: '', month: '', day: '', hour: '', minute: '', second: '' };
  for (const p of format.formatToParts(new Date(epochSeconds * 1000))) {
    if (p.type in parts) parts[p.type as keyof typeof parts] = p.value;
  }
  return parts;
}

/** `2026-10-12 14:30` in the display zone */
export function fmtTime(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds)) return '—';
  const p = partsIn(epochSeconds, displayZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** `10-12 14:30` in the display zone */
export function fmtTimeShort(epochSeconds: number): string {
  const p = partsIn(epochSeconds, displayZone);
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** `14:30:05` in the display zone */
export function fmtClock(epochSeconds: number): string {
  const p = partsIn(epochSeconds, displayZone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** `2026-10-12` in the display zone */
export function fmtDate(epochSeconds: number): string {
  const p = partsIn(epochSeconds, displayZone);
  return `${p.year}-${p.month}-${p.day}`;
}

export function fmtInt(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return numberFormat('int').format(Math.round(value));
}

export function fmtNum(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return numberFormat(digits).format(value);
}

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `<input type="datetime-local">` value read as UTC → epoch seconds, or null. */
export function parseUtcInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0));
  return Number.isFinite(ms) ? ms / 1000 : null;
}

export function toUtcInput(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 16);
}

/** A contract error code for the operator: the code itself in English (the sentence follows it), a sentence in Italian. */
export function errorCodeText(code: string): string {
  const key = `errors.${code}`;
  return currentLang() === 'en' || !i18n.exists(key) ? code : i18n.t(key as 'errors.UNEXPECTED');
}

/**
 * An error as the operator reads it: a known code of the contract as a
 * sentence in the console's language, with the server's own (English)
 * sentence after it as the detail; in English the server's sentence alone.
 */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof CatenaApiError) || currentLang() === 'en') return message;
  const key = `errors.${error.code}`;
  if (!i18n.exists(key)) return message;
  return `${i18n.t(key as 'errors.UNEXPECTED')} (${message})`;
}
