/**
 * The layering rule, checked (like VS Code's import rule): dependencies point
 * inward, at every depth. A file's path says what it may import.
 *
 *   hosts:  main · server · cli  →  contract  →  core
 *           renderer → contract (types of core only; values only from core/domain)
 *   core:   service → engine → store → base → domain
 *                   ↘ elaboration ↗      (demo beside: domain + elaboration)
 *
 * Inside the store, each dialect (mysql/, sqlite/) sees only the shared SQL
 * store, never the other dialect; only the factory (open.ts) sees both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

interface Import {
  /** importing file, relative to src, with / separators */
  file: string;
  specifier: string;
  typeOnly: boolean;
}

interface Group {
  name: string;
  /** which files (relative to src) belong to it; the first group that matches wins */
  path: RegExp;
  /** groups it may import values from */
  may: string[];
  /** groups it may import types from (besides `may`) */
  mayTypes?: string[];
  /** packages it must not import */
  forbid?: RegExp[];
  /** when set, the only packages it may import (type-only imports and the test runner aside) */
  only?: RegExp[];
}

const HOST_PACKAGES = [
  /^electron($|\/)/,
  /^react($|-dom|\/)/,
  /^fastify($|\/)/,
  /^@fastify\//,
  /^recharts/,
  /^ws$/,
];

const CORE_BASE = ['core/domain', 'core/base'];

/** The groups, most specific first. */
const GROUPS: Group[] = [
  // Runtime-free: shared with the interface, imports nothing.
  { name: 'core/domain', path: /^core\/domain\//, may: ['core/domain'], only: [] },
  // Pure computation: no I/O, no packages.
  {
    name: 'core/elaboration',
    path: /^core\/elaboration\//,
    may: [...CORE_BASE, 'core/elaboration'],
    only: [],
  },
  {
    name: 'core/demo',
    path: /^core\/demo\//,
    may: [...CORE_BASE, 'core/elaboration', 'core/demo'],
    only: [],
  },
  {
    name: 'core/store/mysql',
    path: /^core\/store\/mysql\//,
    may: [...CORE_BASE, 'core/store', 'core/store/mysql'],
    forbid: HOST_PACKAGES,
  },
  {
    name: 'core/store/sqlite',
    path: /^core\/store\/sqlite\//,
    may: [...CORE_BASE, 'core/store', 'core/store/sqlite'],
    forbid: [...HOST_PACKAGES, /^mysql2/],
  },
  {
    name: 'core/store/open',
    path: /^core\/store\/open\.ts$/,
    may: [...CORE_BASE, 'core/store', 'core/store/mysql', 'core/store/sqlite'],
    forbid: HOST_PACKAGES,
  },
  {
    name: 'core/store',
    path: /^core\/store\//,
    may: [...CORE_BASE, 'core/store'],
    forbid: [...HOST_PACKAGES, /^mysql2/, /^node:sqlite$/],
  },
  {
    name: 'core/engine',
    path: /^core\/engine\//,
    may: [...CORE_BASE, 'core/elaboration', 'core/store', 'core/engine'],
    forbid: [...HOST_PACKAGES, /^mysql2/, /^node:sqlite$/],
  },
  {
    name: 'core/notify',
    path: /^core\/notify\//,
    may: [...CORE_BASE, 'core/store', 'core/notify'],
    mayTypes: ['core/engine'],
    forbid: [...HOST_PACKAGES, /^mysql2/, /^node:sqlite$/],
  },
  // Exports and offline snapshots: read through the store port, write files.
  {
    name: 'core/export',
    path: /^core\/export\//,
    may: [...CORE_BASE, 'core/store', 'core/export'],
    forbid: [...HOST_PACKAGES, /^mysql2/, /^node:sqlite$/],
  },
  // Chain reports: read through the store port, draw a PDF (pdfkit), no SQL.
  {
    name: 'core/report',
    path: /^core\/report\//,
    may: [...CORE_BASE, 'core/store', 'core/report'],
    forbid: [...HOST_PACKAGES, /^mysql2/, /^node:sqlite$/],
  },
  {
    name: 'core/service',
    path: /^core\/service\//,
    may: [
      ...CORE_BASE,
      'core/elaboration',
      'core/demo',
      'core/store',
      'core/store/open',
      'core/engine',
      'core/notify',
      'core/export',
      'core/report',
      'core/service',
    ],
    forbid: [...HOST_PACKAGES, /^mysql2/, /^node:sqlite$/],
  },
  { name: 'core/base', path: /^core\/[^/]+$/, may: CORE_BASE, forbid: HOST_PACKAGES },
  {
    name: 'contract',
    path: /^contract\//,
    may: ['contract', 'core/domain'],
    mayTypes: ['core/*'],
    forbid: [...HOST_PACKAGES, /^node:/],
    only: [/^zod/],
  },
  {
    name: 'renderer',
    path: /^renderer\//,
    may: ['renderer', 'contract'],
    mayTypes: ['core/*'],
    forbid: [/^node:/, /^electron/, /^fastify/, /^@fastify\//, /^mysql2/, /^piscina/],
  },
  {
    name: 'preload',
    path: /^preload\//,
    may: ['preload', 'contract', 'core/domain'],
    mayTypes: ['core/*'],
    only: [/^electron$/, /^zod/],
  },
  {
    name: 'main',
    path: /^main\//,
    may: ['main', 'core/*', 'contract'],
    forbid: [/^react/, /^fastify/, /^@fastify\//],
  },
  {
    name: 'server',
    path: /^server\//,
    may: ['server', 'core/*', 'contract'],
    forbid: [/^electron/, /^react/],
  },
  // `catena serve` is the HTTP host started from the CLI: the one command that may start another host.
  {
    name: 'cli/serve',
    path: /^cli\/commands\/serve\.ts$/,
    may: ['cli', 'core/*', 'server'],
    forbid: [/^electron/, /^react/],
  },
  {
    name: 'cli',
    path: /^cli\//,
    may: ['cli', 'cli/serve', 'core/*'],
    forbid: [/^electron/, /^react/, /^fastify/, /^@fastify\//],
  },
];

function groupOf(file: string): Group | undefined {
  return GROUPS.find((g) => g.path.test(file));
}

function allows(patterns: readonly string[] | undefined, target: string): boolean {
  return (patterns ?? []).some((p) => (p.endsWith('/*') ? target.startsWith(p.slice(0, -1)) : p === target));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const toPosix = (path: string) => path.split(sep).join('/');

function importsOf(path: string): Import[] {
  const text = readFileSync(path, 'utf8');
  const file = toPosix(relative(src, path));
  return [...text.matchAll(IMPORT)].map((m) => ({
    file,
    specifier: m[3] ?? m[4]!,
    typeOnly: Boolean(m[2]),
  }));
}

/** A test file may import its runner; the runner never ships. */
function isTestRunner(imp: Import): boolean {
  return /\.test\.tsx?$/.test(imp.file) && imp.specifier === 'vitest';
}

/** What is wrong with one import, or null. */
function violation(imp: Import): string | null {
  const group = groupOf(imp.file);
  if (!group) return `src/${imp.file}: in no layer (add it to GROUPS in tests/architecture/layering.test.ts)`;
  if (imp.specifier.startsWith('.')) {
    const targetFile = toPosix(join(dirname(imp.file), imp.specifier));
    const target = groupOf(targetFile);
    if (!target) return `src/${imp.file}: imports ${imp.specifier}, which is in no layer`;
    const ok = allows(group.may, target.name) || (imp.typeOnly && allows(group.mayTypes, target.name));
    return ok ? null : `src/${imp.file}: ${group.name} must not import ${imp.specifier} (${target.name})`;
  }
  if (group.forbid?.some((r) => r.test(imp.specifier))) {
    return `src/${imp.file}: ${group.name} must not import ${imp.specifier}`;
  }
  if (group.only && !imp.typeOnly && !isTestRunner(imp) && !group.only.some((r) => r.test(imp.specifier))) {
    const allowed = group.only.length > 0 ? group.only.join(', ') : 'no package';
    return `src/${imp.file}: ${group.name} may import ${allowed}, not ${imp.specifier}`;
  }
  return null;
}

function violations(): string[] {
  return sourceFiles(src)
    .flatMap(importsOf)
    .map(violation)
    .filter((v): v is string => v !== null);
}

describe('layering', () => {
  it('every source file imports only what its layer allows', () => {
    expect(violations()).toEqual([]);
  });

  it('the checker sees imports (it is not vacuous)', () => {
    const all = sourceFiles(join(src, 'core')).flatMap(importsOf);
    expect(all.some((i) => i.specifier === '../domain/chain.ts')).toBe(true);
    expect(sourceFiles(src).length).toBeGreaterThan(10);
  });

  it.each([
    ['core/elaboration/despike.ts', '../store/port.ts', 'elaboration importing the store'],
    ['core/elaboration/despike.ts', '../engine/engine.ts', 'elaboration importing the engine'],
    ['core/demo/install.ts', '../store/port.ts', 'the demo importing the store'],
    ['core/domain/chain.ts', '../errors.ts', 'the domain importing the base'],
    ['core/store/sql.ts', '../engine/events.ts', 'the store importing the engine'],
    ['core/store/mysql/bulk.ts', '../sqlite/errors.ts', 'one dialect importing the other'],
    ['core/store/columns.ts', './mysql/errors.ts', 'the shared store importing a dialect'],
    ['core/engine/engine.ts', '../service/service.ts', 'the engine importing the service'],
    ['core/errors.ts', '../store/port.ts', 'the base importing the store'],
    ['contract/methods.ts', '../core/store/port.ts', 'the contract importing core values'],
    ['core/export/export.ts', '../engine/engine.ts', 'an export importing the engine'],
    ['core/export/export.ts', '../service/service.ts', 'an export importing the service'],
    ['core/store/sql.ts', '../export/export.ts', 'the store importing the exports'],
  ])('flags %s importing %s (%s)', (file, specifier) => {
    expect(violation({ file, specifier, typeOnly: false })).not.toBeNull();
  });

  it.each([
    ['core/elaboration/despike.ts', 'node:fs'],
    ['core/domain/flags.ts', 'zod'],
    ['core/store/sql.ts', 'mysql2/promise'],
    ['core/engine/engine.ts', 'electron'],
    ['core/service/service.ts', 'fastify'],
  ])('flags %s importing the package %s', (file, specifier) => {
    expect(violation({ file, specifier, typeOnly: false })).not.toBeNull();
  });

  it.each([
    ['core/engine/engine.ts', '../store/port.ts'],
    ['core/store/open.ts', './sqlite/store.ts'],
    ['contract/types.ts', '../core/domain/chain.ts'],
    ['core/service/service.ts', '../demo/install.ts'],
    ['core/export/export.ts', '../store/port.ts'],
    ['core/service/service.ts', '../export/export.ts'],
  ])('allows %s importing %s', (file, specifier) => {
    expect(violation({ file, specifier, typeOnly: false })).toBeNull();
  });
});
