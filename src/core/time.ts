/**
 * Times cross the store as whole epoch seconds (UTC). The databases hold them
 * as `YYYY-MM-DD HH:MM:SS` (DATA_MODEL.md); these two functions are the only
 * place that converts.
 */
export function formatDbTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

const DB_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?$/;

/** Parses `YYYY-MM-DD HH:MM:SS` (or ISO with T/Z) as UTC; returns null when malformed. */
export function parseDbTime(text: string): number | null {
  const m = DB_TIME.exec(text.trim());
  if (!m) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/** ISO 8601 UTC for JSON output: `2026-01-01T00:00:00Z`. */
export function formatIsoTime(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19)}Z`;
}
