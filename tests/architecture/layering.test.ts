/**
 * The layering rule, checked (like VS Code's import rule): dependencies point
 * inward. A file's folder says what it may import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

type Layer = 'core' | 'contract' | 'main' | 'preload' | 'renderer' | 'server' | 'cli';

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
  /** the layer a relative import lands in, or null for a package */
  target: Layer | null;
}

const HOST_PACKAGES = [
  /^electron($|\/)/,
  /^react($|-dom|\/)/,
  /^fastify($|\/)/,
  /^@fastify\//,
  /^recharts/,
  /^ws$/,
];

const rules: Record<Layer, { layers: Layer[]; typeLayers?: Layer[]; forbid: RegExp[]; only?: RegExp[] }> = {
  core: { layers: ['core'], forbid: HOST_PACKAGES },
  contract: {
    layers: ['contract'],
    typeLayers: ['core'],
    forbid: [...HOST_PACKAGES, /^node:/],
    only: [/^zod/],
  },
  renderer: {
    layers: ['renderer', 'contract'],
    typeLayers: ['core'],
    forbid: [/^node:/, /^electron/, /^fastify/, /^@fastify\//, /^mysql2/, /^piscina/],
  },
  preload: {
    layers: ['preload', 'contract'],
    typeLayers: ['core'],
    forbid: [],
    only: [/^electron$/, /^zod/],
  },
  main: { layers: ['main', 'core', 'contract'], forbid: [/^react/, /^fastify/, /^@fastify\//] },
  server: { layers: ['server', 'core', 'contract'], forbid: [/^electron/, /^react/] },
  cli: { layers: ['cli', 'core'], forbid: [/^electron/, /^react/, /^fastify/, /^@fastify\//] },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const specifier = m[3] ?? m[4]!;
    const typeOnly = Boolean(m[2]);
    let target: Layer | null = null;
    if (specifier.startsWith('.')) {
      const path = relative(src, resolve(dirname(file), specifier));
      target = path.split(/[\\/]/)[0] as Layer;
    }
    found.push({ file: relative(root, file), specifier, typeOnly, target });
  }
  return found;
}

/** A test file may import its runner; the runner never ships. */
function isTestRunner(imp: Import): boolean {
  return /\.test\.tsx?$/.test(imp.file) && imp.specifier === 'vitest';
}

function layerOf(file: string): Layer {
  return relative(src, file).split(/[\\/]/)[0] as Layer;
}

function violations(): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(src)) {
    const layer = layerOf(file);
    const rule = rules[layer];
    if (!rule) continue;
    for (const imp of importsOf(file)) {
      if (imp.target !== null) {
        const allowed =
          rule.layers.includes(imp.target) || (imp.typeOnly && rule.typeLayers?.includes(imp.target));
        if (!allowed) out.push(`${imp.file}: ${layer} must not import ${imp.specifier} (${imp.target})`);
        continue;
      }
      if (rule.forbid.some((r) => r.test(imp.specifier)))
        out.push(`${imp.file}: ${layer} must not import ${imp.specifier}`);
      else if (
        rule.only &&
        !imp.typeOnly &&
        !isTestRunner(imp) &&
        !rule.only.some((r) => r.test(imp.specifier))
      ) {
        out.push(`${imp.file}: ${layer} may import only ${rule.only.join(', ')}, not ${imp.specifier}`);
      }
    }
  }
  return out;
}

describe('layering', () => {
  it('every source file imports only what its layer allows', () => {
    expect(violations()).toEqual([]);
  });

  it('the checker sees imports (it is not vacuous)', () => {
    const all = sourceFiles(join(src, 'core')).flatMap(importsOf);
    expect(all.some((i) => i.specifier === '../store/port.ts')).toBe(true);
    expect(sourceFiles(src).length).toBeGreaterThan(10);
  });

  it('flags a core file that imports a host package', () => {
    const rule = rules.core;
    expect(rule.forbid.some((r) => r.test('electron'))).toBe(true);
    expect(rule.forbid.some((r) => r.test('fastify'))).toBe(true);
    expect(rule.forbid.some((r) => r.test('react'))).toBe(true);
    expect(rule.layers.includes('main')).toBe(false);
  });
});
