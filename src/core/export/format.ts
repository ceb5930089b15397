/** Column names with their units, and time cells, for exported files. */
import type { ElaboratedValue } from '../domain/columns.ts';
import { formatIsoTime } from '../time.ts';

export type TimeZoneChoice = 'utc' | 'local';

/** The unit suffix of each elaborated value (ELABORATION.md §3). */
export const ELABORATED_HEADERS: Record<ElaboratedValue, string> = {
  alphaX: 'alphaX_deg',
  alphaY: 'alphaY_deg',
  temperature: 'temperature_degC',
  dispX: 'dispX_mm',
  dispY: 'dispY_mm',
  cumX: 'cumX_mm',
  cumY: 'cumY_mm',
  cumR: 'cumR_mm',
  velR: 'velR_mm_per_day',
};

/** `time_utc` or `time_local`, and likewise for other time columns. */
export function timeHeader(name: string, zone: TimeZoneChoice): string {
  return `${name}_${zone}`;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** ISO 8601 in the machine's time zone with its offset: `2026-10-01T14:00:00+02:00`. */
export function formatLocalIso(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

/** A time cell: ISO 8601, UTC (`…Z`) or local with its offset; null stays empty. */
export function timeCell(epochSeconds: number | null, zone: TimeZoneChoice): string | null {
  if (epochSeconds === null || !Number.isFinite(epochSeconds)) return null;
  return zone === 'utc' ? formatIsoTime(epochSeconds) : formatLocalIso(epochSeconds);
}
