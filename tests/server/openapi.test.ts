/**
 * The OpenAPI document is the API: every route the server registers is in
 * it, everything in it is a route, and every example in it validates, both
 * against the document's own JSON schemas (Ajv, draft 2020-12, as OpenAPI
 * 3.1 reads them) and against the zod schemas the server validates with.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiMethods } from '../../src/contract/api.ts';
import type { HttpBinding } from '../../src/contract/http.ts';
import { methodNames, methods } from '../../src/contract/methods.ts';
import { buildOpenApi, type JsonObject, type OpenApiDocument } from '../../src/contract/openapi.ts';
import { registeredRoutes } from '../../src/server/app.ts';
import { body, type Harness, openHarness } from './harness.ts';

const doc = buildOpenApi({ version: '9.9.9' });

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `#/components/schemas/X` → `#/$defs/X`, so that one schema carries every component it needs. */
function localRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(localRefs);
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/$defs/') : localRefs(v),
    ]),
  );
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addKeyword('example');
const defs = localRefs(doc.components.schemas) as JsonObject;

function validate(schema: unknown, value: unknown): string | null {
  const check = ajv.compile({ ...(localRefs(schema) as JsonObject), $defs: defs });
  return check(value) ? null : ajv.errorsText(check.errors);
}

interface FoundExample {
  where: string;
  schema: unknown;
  value: unknown;
}

/** Every example of the document with the schema it must satisfy. */
function examplesOf(node: unknown, where: string, found: FoundExample[] = []): FoundExample[] {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      examplesOf(item, `${where}[${i}]`, found);
    });
    return found;
  }
  if (!isObject(node)) return found;
  if ('schema' in node) {
    // a media type or a parameter: `example` and `examples: {name: {value}}`
    if ('example' in node)
      found.push({ where: `${where}.example`, schema: node.schema, value: node.example });
    if (isObject(node.examples)) {
      for (const [name, example] of Object.entries(node.examples)) {
        if (isObject(example))
          found.push({ where: `${where}.examples.${name}`, schema: node.schema, value: example.value });
      }
    }
  }
  if (('type' in node || '$ref' in node || 'anyOf' in node) && Array.isArray(node.examples)) {
    // a JSON schema's own examples
    node.examples.forEach((value, i) => {
      found.push({ where: `${where}.examples[${i}]`, schema: node, value });
    });
  }
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'examples' || !('schema' in node)) examplesOf(value, `${where}.${key}`, found);
  }
  return found;
}

const bound = [...Object.entries(methods), ...Object.entries(apiMethods)] as [
  string,
  { input: import('zod').ZodType; output: import('zod').ZodType; http?: HttpBinding<unknown> },
][];

describe('OpenAPI document', () => {
  let h: Harness;
  let app: FastifyInstance;
  beforeAll(async () => {
    h = await openHarness('sqlite', { version: '9.9.9' });
    app = h.app;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('is OpenAPI 3.1 with unique operation ids, served at /api/docs/openapi.json', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    const served = await app.inject({ url: '/api/docs/openapi.json' });
    expect(served.statusCode).toBe(200);
    expect(body<OpenApiDocument>(served)).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('lists every route the server registered, and nothing else', () => {
    const routes = registeredRoutes(app).filter((r) => r.method !== 'HEAD');
    const missing: string[] = [];
    const documented = new Set<string>();
    for (const route of routes) {
      if (route.config.undocumented) continue;
      // the built interface's files (fastify-static)
      if (route.url === '/*' || route.url === '/') continue;
      if (route.method === 'POST' && route.url === '/api/:method') {
        for (const name of methodNames) {
          if (!doc.paths[`/api/${name}`]?.post) missing.push(`POST /api/${name}`);
          documented.add(`POST /api/${name}`);
        }
        continue;
      }
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      if (!doc.paths[path]?.[route.method.toLowerCase()]) missing.push(`${route.method} ${route.url}`);
      documented.add(`${route.method} ${path}`);
    }
    expect(missing).toEqual([]);
    const inDoc = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((verb) => `${verb.toUpperCase()} ${path}`),
    );
    expect(inDoc.filter((r) => !documented.has(r))).toEqual([]);
    // the legacy routes and /api/v1 are there
    for (const route of [
      'POST /trigger/{unitId}/{chain}',
      'POST /trigger',
      'GET /status/{unitId}/{chain}',
      'GET /api/v1/chains',
      'POST /api/v1/launches',
      'GET /api/v1/launches/{id}',
      'DELETE /api/v1/launches/{id}',
      'GET /api/v1/runs',
      'GET /api/v1/chains/{unit}/{chain}/series',
      'GET /api/v1/chains/{unit}/{chain}/latest',
      'GET /api/v1/events',
    ]) {
      expect(inDoc).toContain(route);
    }
  });

  it('every REST route has examples, and the document has many', () => {
    for (const [name, spec] of bound) {
      if (spec.http) expect(spec.http.examples?.length ?? 0, name).toBeGreaterThan(0);
    }
    expect(examplesOf(doc, '#').length).toBeGreaterThan(30);
  });

  it('every example in the document validates against its JSON schema', () => {
    const failures = examplesOf(doc, '#')
      .map((e) => ({ where: e.where, error: validate(e.schema, e.value) }))
      .filter((f) => f.error !== null);
    expect(failures).toEqual([]);
  });

  it('every example validates against the zod schemas the server uses (parts, then the method’s input)', () => {
    const failures: string[] = [];
    for (const [name, spec] of bound) {
      const binding = spec.http;
      if (!binding) continue;
      for (const example of binding.examples ?? []) {
        const where = `${name}: ${example.summary}`;
        const part = <T>(schema: import('zod').ZodType<T> | undefined, value: unknown, what: string) => {
          if (!schema) return undefined;
          const parsed = schema.safeParse(value ?? {});
          if (!parsed.success) failures.push(`${where}: ${what}: ${parsed.error.message}`);
          return parsed.success ? parsed.data : undefined;
        };
        const params = part(binding.params, example.params, 'params');
        const query = part(binding.query, example.query, 'query');
        const requestBody = part(binding.body, example.body, 'body');
        const input = spec.input.safeParse(binding.input({ params, query, body: requestBody }));
        if (!input.success) failures.push(`${where}: input: ${input.error.message}`);
        const output = spec.output.safeParse(example.response);
        if (!output.success) failures.push(`${where}: response: ${output.error.message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the page at /api/docs shows every operation, self-contained (no script, nothing fetched elsewhere)', async () => {
    const page = await app.inject({ url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const html = page.body;
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) expect(html).toContain(`id="${String(op.operationId)}"`);
    }
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    expect(html).not.toMatch(/<script|<link|src="|@import|url\(/i);
    expect(html.match(/href="([^"]+)"/g)?.filter((href) => !/^href="[#/]/.test(href)) ?? []).toEqual([]);
    expect(html).toContain('processing_started');
  });
});
