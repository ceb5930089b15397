/**
 * The console's two languages: the same keys, no empty value, the same
 * placeholders, and the first language chosen from the system.
 */
import { describe, expect, it as test } from 'vitest';
import { en } from './en.ts';
import { i18n, initialLang } from './index.ts';
import { it } from './it.ts';

/** `a.b.c` → value, for every leaf */
function leaves(tree: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (value !== null && typeof value === 'object') for (const [k, v] of leaves(value, path)) out.set(k, v);
    else out.set(path, value);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('the console in Italian and English', () => {
  const english = leaves(en);
  const italian = leaves(it);

  test('both languages have exactly the same keys', () => {
    expect([...italian.keys()].sort()).toEqual([...english.keys()].sort());
    expect(english.size).toBeGreaterThan(300);
  });

  test('no value is empty, and every value is text', () => {
    for (const [lang, tree] of [
      ['en', english],
      ['it', italian],
    ] as const) {
      for (const [key, value] of tree) {
        expect(typeof value, `${lang}: ${key}`).toBe('string');
        expect(String(value).trim(), `${lang}: ${key}`).not.toBe('');
      }
    }
  });

  test('a sentence has the same placeholders in both languages', () => {
    for (const [key, value] of english) {
      expect(placeholders(String(italian.get(key))), key).toEqual(placeholders(String(value)));
    }
  });

  test('Italian is not English left untranslated where a sentence is long', () => {
    // words of three letters or more, placeholders aside: a sentence, not a unit or a symbol
    const words = (text: string) => text.replace(/\{\{\w+\}\}/g, '').match(/\p{L}{3,}/gu) ?? [];
    const same = [...english].filter(
      ([key, value]) => words(String(value)).length >= 3 && italian.get(key) === value,
    );
    expect(same).toEqual([]);
  });

  test('plurals: "1 chain", "2 chains"; "1 catena", "2 catene"', async () => {
    await i18n.changeLanguage('en');
    expect(i18n.t('stations.chains', { count: 1 })).toBe('1 chain');
    expect(i18n.t('stations.chains', { count: 2 })).toBe('2 chains');
    await i18n.changeLanguage('it');
    expect(i18n.t('stations.chains', { count: 1 })).toBe('1 catena');
    expect(i18n.t('stations.chains', { count: 2 })).toBe('2 catene');
    await i18n.changeLanguage('en');
  });
});

describe('the first language', () => {
  test('Italian on an Italian system, English on any other', () => {
    expect(initialLang(null, ['it-IT', 'en-US'])).toBe('it');
    expect(initialLang(null, ['it'])).toBe('it');
    expect(initialLang(null, ['en-GB', 'it-IT'])).toBe('en');
    expect(initialLang(null, ['de-DE'])).toBe('en');
    expect(initialLang(null, [])).toBe('en');
  });

  test('the operator’s remembered choice wins over the system', () => {
    expect(initialLang('en', ['it-IT'])).toBe('en');
    expect(initialLang('it', ['en-US'])).toBe('it');
    expect(initialLang('fr', ['it-IT'])).toBe('it'); // not a language of the console: the system's
  });
});
