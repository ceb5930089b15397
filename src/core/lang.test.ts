import { describe, expect, it } from 'vitest';
import { langFromEnv, parseLang } from './lang.ts';

describe('the language of what the core writes', () => {
  it('it, it-IT, it_IT.UTF-8 are Italian; anything else English', () => {
    expect(['it', 'it-IT', 'it_IT.UTF-8', 'IT'].map(parseLang)).toEqual(['it', 'it', 'it', 'it']);
    expect(['en', 'de', 'C.UTF-8', '', undefined, null].map(parseLang)).toEqual([
      'en',
      'en',
      'en',
      'en',
      'en',
      'en',
    ]);
  });

  it('a headless command: CATENA_LANG, else the system locale (LC_ALL, LC_MESSAGES, LANG), else English', () => {
    expect(langFromEnv({ CATENA_LANG: 'it', LANG: 'en_GB.UTF-8' })).toBe('it');
    expect(langFromEnv({ CATENA_LANG: 'en', LANG: 'it_IT.UTF-8' })).toBe('en');
    expect(langFromEnv({ LANG: 'it_IT.UTF-8' })).toBe('it');
    expect(langFromEnv({ LC_ALL: 'it_IT.UTF-8', LANG: 'C.UTF-8' })).toBe('it');
    expect(langFromEnv({ LC_MESSAGES: 'it_CH.UTF-8' })).toBe('it');
    expect(langFromEnv({ LANG: 'C.UTF-8' })).toBe('en');
    expect(langFromEnv({ LC_ALL: '', LANG: 'it_IT.UTF-8' })).toBe('it');
    expect(langFromEnv({})).toBe('en');
  });
});
