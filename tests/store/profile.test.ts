/** Connection profiles: URLs and fields → typed profiles, or PROFILE_INVALID naming the problem. */
import { describe, expect, it } from 'vitest';
import { CatenaError } from '../../src/core/errors.ts';
import { type ConnectionProfile, parseProfile, redact } from '../../src/core/store/profile.ts';

describe('parseProfile accepts', () => {
  const cases: [string, unknown, ConnectionProfile][] = [
    [
      'a mysql URL',
      'mysql://catena:s3cret@db.example.org:3307/monitoring',
      {
        kind: 'mysql',
        host: 'db.example.org',
        port: 3307,
        user: 'catena',
        password: 's3cret',
        database: 'monitoring',
      },
    ],
    [
      'a mariadb URL, default port, no password',
      'mariadb://root@127.0.0.1/test',
      { kind: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' },
    ],
    [
      'percent-encoded user and password',
      'mysql://op%40site:p%40ss%3Aw%2Fd@db/mon',
      { kind: 'mysql', host: 'db', port: 3306, user: 'op@site', password: 'p@ss:w/d', database: 'mon' },
    ],
    [
      'tls=true',
      'mysql://u:p@db/mon?tls=true',
      { kind: 'mysql', host: 'db', port: 3306, user: 'u', password: 'p', database: 'mon', tls: true },
    ],
    [
      'tls=skip-verify',
      'mysql://u:p@db/mon?tls=skip-verify',
      {
        kind: 'mysql',
        host: 'db',
        port: 3306,
        user: 'u',
        password: 'p',
        database: 'mon',
        tls: { rejectUnauthorized: false },
      },
    ],
    [
      'an IPv6 host',
      'mysql://u@[::1]:3306/mon',
      { kind: 'mysql', host: '::1', port: 3306, user: 'u', password: '', database: 'mon' },
    ],
    [
      'sqlite:/absolute',
      'sqlite:/var/lib/catena/site.db',
      { kind: 'sqlite', path: '/var/lib/catena/site.db' },
    ],
    ['sqlite:relative', 'sqlite:data/demo.db', { kind: 'sqlite', path: 'data/demo.db' }],
    ['sqlite:///absolute', 'sqlite:///tmp/x.db', { kind: 'sqlite', path: '/tmp/x.db' }],
    ['sqlite::memory:', 'sqlite::memory:', { kind: 'sqlite', path: ':memory:' }],
    ['{ url }', { url: 'sqlite:a.db' }, { kind: 'sqlite', path: 'a.db' }],
    ['a bare .db file name', 'snapshot.db', { kind: 'sqlite', path: 'snapshot.db' }],
    [
      'a bare absolute .sqlite3 path',
      '/home/ops/site.sqlite3',
      { kind: 'sqlite', path: '/home/ops/site.sqlite3' },
    ],
    [
      'mysql fields (port as text, kind mariadb)',
      {
        kind: 'mariadb',
        host: 'db',
        port: '3308',
        user: 'u',
        password: 'p',
        database: 'mon',
        tls: { ca: 'PEM' },
      },
      {
        kind: 'mysql',
        host: 'db',
        port: 3308,
        user: 'u',
        password: 'p',
        database: 'mon',
        tls: { ca: 'PEM' },
      },
    ],
    [
      'mysql fields without port and password',
      { kind: 'mysql', host: 'db', user: 'u', database: 'mon' },
      { kind: 'mysql', host: 'db', port: 3306, user: 'u', password: '', database: 'mon' },
    ],
    ['sqlite fields', { kind: 'sqlite', path: ' /x.db ' }, { kind: 'sqlite', path: '/x.db' }],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => expect(parseProfile(input)).toEqual(expected));
  }
});

describe('parseProfile refuses, with PROFILE_INVALID naming the problem', () => {
  const cases: [string, unknown, RegExp][] = [
    ['an unknown scheme', 'postgres://u@h/db', /mysql:\/\/, mariadb:\/\/ or sqlite:/],
    ['a URL without user', 'mysql://db.example/mon', /no user/],
    ['a URL without database', 'mysql://u:p@db.example/', /no database/],
    ['a bad port', 'mysql://u@db:99999/mon', /port must be a whole number between 1 and 65535, not '99999'/],
    ['a port that is not a number', 'mysql://u:p@db:abc/mon', /port must be .* not 'abc'/],
    ['an unknown URL option', 'mysql://u@db/mon?charset=x', /option 'charset' is unknown/],
    ['a bad tls value', 'mysql://u@db/mon?tls=maybe', /tls=maybe/],
    [
      'a database name with spaces',
      { kind: 'mysql', host: 'h', user: 'u', database: 'my db' },
      /database must be/,
    ],
    ['an empty host', { kind: 'mysql', host: ' ', user: 'u', database: 'd' }, /host is empty/],
    ['a host with a slash', { kind: 'mysql', host: 'a/b', user: 'u', database: 'd' }, /host must be/],
    [
      'port 0',
      { kind: 'mysql', host: 'h', port: 0, user: 'u', database: 'd' },
      /port must be between 1 and 65535/,
    ],
    ['an unknown kind', { kind: 'oracle', path: 'x' }, /kind must be 'mysql', 'mariadb' or 'sqlite'/],
    ['an unknown field', { kind: 'sqlite', path: 'x', user: 'u' }, /user/],
    ['an empty sqlite path', 'sqlite:', /path is empty/],
    ['sqlite://host/path', 'sqlite://server/x.db', /sqlite:\/absolute/],
    ['a number', 42, /expected a URL or an object/],
    ['url and fields together', { url: 'sqlite:x.db', kind: 'sqlite' }, /either url or fields/],
  ];
  for (const [name, input, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        parseProfile(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CatenaError);
      expect((error as CatenaError).code).toBe('PROFILE_INVALID');
      expect((error as CatenaError).message).toMatch(/^Connection profile: /);
      expect((error as CatenaError).message).toMatch(message);
    });
  }

  it('never puts the password in the message', () => {
    let message = '';
    try {
      parseProfile('mysql://u:TopSecret42@db/mon?tls=nope');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain('TopSecret42');
  });
});

describe('redact', () => {
  it('shows a mysql profile as a URL without the password', () => {
    const profile = parseProfile('mysql://op%40site:TopSecret42@db.example:3307/mon?tls=true');
    expect(redact(profile)).toBe('mysql://op%40site@db.example:3307/mon?tls=true');
    expect(redact(parseProfile('mysql://u:p@[::1]/mon'))).toBe('mysql://u@[::1]:3306/mon');
  });
  it('shows a sqlite profile as its URL', () => {
    expect(redact(parseProfile('sqlite:data/demo.db'))).toBe('sqlite:data/demo.db');
  });
  it('round-trips: the redacted URL parses to the same profile without password', () => {
    const profile = parseProfile('mysql://u:secret@db:3310/mon?tls=skip-verify');
    expect(parseProfile(redact(profile))).toEqual({ ...profile, password: '' });
  });
});
