/** Numbers in the console's language, times in the zone chosen in the header. */
import { afterEach, describe, expect, it } from 'vitest';
import { CatenaApiError } from '../../contract/errors.ts';
import { errorMessage, fmtDate, fmtInt, fmtNum, fmtTime, setDisplayZone } from './format.ts';
import { i18n } from './i18n/index.ts';
import { shownZone } from './time-zone.ts';

// 2026-10-12 14:30 UTC = 16:30 in Rome (CEST, +2); 2026-12-01 23:30 UTC = 00:30 on 2 December in Rome (CET, +1)
const OCT_12 = Date.UTC(2026, 9, 12, 14, 30) / 1000;
const DEC_01 = Date.UTC(2026, 11, 1, 23, 30) / 1000;

afterEach(async () => {
  setDisplayZone('UTC');
  await i18n.changeLanguage('en');
});

describe('numbers follow the language', () => {
  it('English: a decimal point; Italian: a decimal comma', async () => {
    expect(fmtNum(-1.234)).toBe('-1.23');
    expect(fmtNum(12.5, 1)).toBe('12.5');
    expect(fmtInt(12345)).toBe('12,345');
    await i18n.changeLanguage('it');
    expect(fmtNum(-1.234)).toBe('-1,23');
    expect(fmtNum(12.5, 1)).toBe('12,5');
    expect(fmtInt(12345)).toBe('12.345');
    expect(fmtNum(null)).toBe('—');
  });
});

describe('times follow the zone', () => {
  it('UTC by default, as the database holds them', () => {
    expect(fmtTime(OCT_12)).toBe('2026-10-12 14:30');
    expect(fmtDate(DEC_01)).toBe('2026-12-01');
  });

  it("the site's zone, summer and winter time, the day changing at midnight", () => {
    setDisplayZone('Europe/Rome');
    expect(fmtTime(OCT_12)).toBe('2026-10-12 16:30');
    expect(fmtTime(DEC_01)).toBe('2026-12-02 00:30');
    expect(fmtDate(DEC_01)).toBe('2026-12-02');
  });
});

describe('the zone shown', () => {
  it("UTC; or local: the site's zone, else this computer's (a misspelt site zone too)", () => {
    expect(shownZone('utc', 'Europe/Rome')).toEqual({ zone: 'UTC', source: 'utc' });
    expect(shownZone('local', 'Europe/Rome')).toEqual({ zone: 'Europe/Rome', source: 'site' });
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(shownZone('local', null)).toEqual({ zone: own, source: 'operator' });
    expect(shownZone('local', 'Europe/Roma')).toEqual({ zone: own, source: 'operator' });
  });
});

describe('errors', () => {
  it("a contract error: the server's sentence in English; in Italian, the code's sentence with it as the detail", async () => {
    const error = new CatenaApiError({ code: 'CHAIN_LOCKED', message: 'chain CU001-A is being elaborated' });
    expect(errorMessage(error)).toBe('chain CU001-A is being elaborated');
    await i18n.changeLanguage('it');
    expect(errorMessage(error)).toBe(
      "La catena è in elaborazione da un altro lancio o un'altra postazione. (chain CU001-A is being elaborated)",
    );
    // a code this console does not know, or not a contract error: the message as it is
    expect(errorMessage(new CatenaApiError({ code: 'NEWER_CODE', message: 'x' }))).toBe('x');
    expect(errorMessage(new Error('y'))).toBe('y');
  });
});
