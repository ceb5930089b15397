import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from './i18n/index.ts';
import { deadNote, fmtDay } from './node-health.ts';

const OCT_18 = Date.UTC(2026, 9, 18, 14, 0) / 1000;
const OCT_31 = Date.UTC(2026, 9, 31, 23, 30) / 1000;

describe('deadNote', () => {
  it('says nothing of a node whose newest row is valid', () => {
    expect(deadNote({ lastAt: OCT_31, lastValidAt: OCT_31, errorCodeAfter: null })).toBeNull();
  });

  it('says since when a node has no valid data, and its sensor’s error code', () => {
    expect(deadNote({ lastAt: OCT_31, lastValidAt: OCT_18, errorCodeAfter: 3 })).toMatch(
      /^no valid data since 18 Oct( 2026)?: error code 3$/,
    );
    expect(deadNote({ lastAt: OCT_31, lastValidAt: OCT_18, errorCodeAfter: null })).toMatch(
      /^no valid data since 18 Oct( 2026)?: readings invalid$/,
    );
    expect(deadNote({ lastAt: OCT_31, lastValidAt: null, errorCodeAfter: 5 })).toBe(
      'no valid data: error code 5',
    );
  });

  it('writes the day without the year in the current year only', () => {
    expect(fmtDay(OCT_18, OCT_31)).toBe('18 Oct');
    expect(fmtDay(OCT_18, Date.UTC(2027, 0, 2) / 1000)).toBe('18 Oct 2026');
  });
});

describe('in Italian', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('the same note, with the month in Italian', async () => {
    await i18n.changeLanguage('it');
    expect(fmtDay(OCT_18, OCT_31)).toBe('18 ott');
    expect(deadNote({ lastAt: OCT_31, lastValidAt: OCT_18, errorCodeAfter: 3 })).toMatch(
      /^nessun dato valido dal 18 ott( 2026)?: codice di errore 3$/,
    );
  });
});
