/**
 * No English left in the console's markup: a pragmatic scan of every
 * component for JSX text and for the attributes people read (aria-label,
 * title, placeholder, alt) written as literals, not through `t()`.
 * What may stay as written is in ALLOWED, with the reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src/renderer/src');

/** Literals that are the same in both languages: names, symbols, units, formats. */
const ALLOWED = new Set([
  'Catena', // the product
  'SQLite',
  'MySQL',
  'UTC',
  'PNG',
  'SVG',
  'TLS',
  'webhook', // a channel's technical name, in Italian too
  'αX [°]',
  'αY [°]',
  'T [°C]',
  'db.example', // placeholders that are examples of input
  '/home/ops/site.db',
  'ops@example.org',
  'https://hooks.example/catena',
  'smtp://user:password@mail.example.org:587',
  'Catena <catena@example.org>',
]);

function components(): string[] {
  const files = readdirSync(join(SRC, 'components'))
    .filter((f) => f.endsWith('.tsx'))
    .map((f) => join(SRC, 'components', f));
  return [...files, join(SRC, 'App.tsx')];
}

/** Literal text a person reads, found in one file's source. */
function strayLiterals(source: string): string[] {
  const found: string[] = [];
  // JSX text between tags: `>Some words</…` or `>Some words<tag`, outside `{…}`; `=>` and generics
  // (`useState<T>(null); …`) are code, told apart by the characters code has and sentences do not
  for (const m of source.matchAll(/(?<![=-])>([^<>{}`]*?)<(?=[/A-Za-z])/g)) {
    const text = m[1]!.replace(/\s+/g, ' ').trim();
    if (/\p{L}{2,}/u.test(text) && !ALLOWED.has(text) && !/[;=?|]|\[\]|^[()',]/.test(text)) found.push(text);
  }
  // attributes read by people, as string literals
  for (const m of source.matchAll(/\b(aria-label|title|placeholder|alt)="([^"]*)"/g)) {
    const text = m[2]!.trim();
    if (/\p{L}{2,}/u.test(text) && !ALLOWED.has(text)) found.push(`${m[1]}="${text}"`);
  }
  return found;
}

describe('no stray English in the console', () => {
  it('the scan finds text and attributes written as literals (and lets t() and allowed names through)', () => {
    expect(strayLiterals('<h2>Stations</h2><p>{t("a")}</p><b>SQLite</b>')).toEqual(['Stations']);
    expect(strayLiterals('<input aria-label="Site" title={t("x")} placeholder="db.example" />')).toEqual([
      'aria-label="Site"',
    ]);
  });

  for (const file of components()) {
    it(`${file.slice(SRC.length + 1)} writes its words through t()`, () => {
      expect(strayLiterals(readFileSync(file, 'utf8'))).toEqual([]);
    });
  }
});
