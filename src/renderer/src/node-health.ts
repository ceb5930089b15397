/** Why a node shows no value: the data-quality counts say when it was last valid and what its sensor said since. */
import type { NodeFlagCounts } from '../../contract/types.ts';
import { fmtTime, getDisplayZone } from './format.ts';
import { currentLang, i18n } from './i18n/index.ts';

/** "18 Oct" / "18 ott" in the display zone, the year added when it is not the year of `now`. */
export function fmtDay(epochSeconds: number, nowSeconds = Date.now() / 1000): string {
  const zone = getDisplayZone();
  const locale = currentLang() === 'it' ? 'it-IT' : 'en-GB';
  const yearOf = (t: number) =>
    new Intl.DateTimeFormat('en', { timeZone: zone, year: 'numeric' }).format(t * 1000);
  const sameYear = yearOf(epochSeconds) === yearOf(nowSeconds);
  return new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
  })
    .format(epochSeconds * 1000)
    .replace('.', '');
}

/**
 * "no valid data since 18 Oct: error code 3" for a node whose newest rows are
 * not valid (invalid or only held), null for a node whose newest row is valid.
 */
export function deadNote(
  q: Pick<NodeFlagCounts, 'lastAt' | 'lastValidAt' | 'errorCodeAfter'>,
): string | null {
  if (q.lastValidAt !== null && q.lastValidAt >= q.lastAt) return null;
  const since =
    q.lastValidAt === null
      ? i18n.t('health.noValid')
      : i18n.t('health.noValidSince', { day: fmtDay(q.lastValidAt) });
  return q.errorCodeAfter === null
    ? i18n.t('health.invalid', { since })
    : i18n.t('health.errorCode', { since, code: q.errorCodeAfter });
}

/** The full time of the last valid row, for a tooltip. */
export function lastValidTitle(q: Pick<NodeFlagCounts, 'lastValidAt'>): string {
  return q.lastValidAt === null
    ? i18n.t('health.neverValid')
    : i18n.t('health.lastValid', { at: fmtTime(q.lastValidAt), zone: getDisplayZone() });
}
