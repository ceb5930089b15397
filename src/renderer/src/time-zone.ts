/**
 * Which time zone the console shows times in: UTC (as the database holds
 * them), or local time — the site's IANA zone (`active_stations.timeZone`,
 * migration 009) or, where the site has none, the operator's own. The choice
 * is the header's UTC / local switch, remembered in localStorage.
 */

export type ZoneMode = 'utc' | 'local';
/** where the zone shown comes from: UTC, the site's configuration, or this computer */
export type ZoneSource = 'utc' | 'site' | 'operator';

const STORAGE_KEY = 'catena.timeZone';

export function initialZoneMode(): ZoneMode {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'local' ? 'local' : 'utc';
  } catch {
    return 'utc';
  }
}

export function saveZoneMode(mode: ZoneMode): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, mode);
  } catch {
    // not remembered; the switch still applies
  }
}

/** The operator's own zone (this computer's), e.g. `Europe/Rome`. */
export function operatorZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** A zone name that Intl knows (a misspelt site zone falls back to the operator's). */
export function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone times are shown in, and where it comes from. */
export function shownZone(mode: ZoneMode, siteZone: string | null): { zone: string; source: ZoneSource } {
  if (mode === 'utc') return { zone: 'UTC', source: 'utc' };
  if (siteZone && isKnownZone(siteZone)) return { zone: siteZone, source: 'site' };
  return { zone: operatorZone(), source: 'operator' };
}
