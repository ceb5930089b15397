/**
 * `/api/docs`: the OpenAPI document as one self-contained page (no script,
 * no CDN: the server may have no internet, and neither may its readers).
 * Schemas are shown as TypeScript-like types, with the examples of the
 * document.
 */

import type { JsonObject, OpenApiDocument } from '../contract/openapi.ts';
import { escapeHtml } from './html.ts';

/** The little markdown the descriptions use: paragraphs, **bold** and `code`. */
function markdown(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => {
      const html = escapeHtml(p.replace(/\s*\n\s*/g, ' '))
        .replace(/`([^`]+)`/g, '<code>$1</code>')
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
      return `<p>${html}</p>`;
    })
    .join('\n');
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const anchor = (name: string) => `schema-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** A JSON schema as a type, in HTML. */
export function typeOf(schema: unknown, indent = ''): string {
  if (!isObject(schema)) return 'unknown';
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop()!;
    return `<a href="#${anchor(name)}">${escapeHtml(name)}</a>`;
  }
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) return union.map((s) => typeOf(s, indent)).join(' | ');
  if ('const' in schema) return escapeHtml(JSON.stringify(schema.const));
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => escapeHtml(JSON.stringify(v))).join(' | ');
  const type = schema.type;
  if (Array.isArray(type)) return type.map((t) => typeOf({ ...schema, type: t }, indent)).join(' | ');
  if (type === 'array') {
    const item = typeOf(schema.items, indent);
    return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
  }
  if (type === 'object' || isObject(schema.properties)) {
    const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
    const required = new Set((schema.required ?? []) as string[]);
    const inner = `${indent}  `;
    const lines = Object.entries(properties).map(([name, property]) => {
      const note =
        typeof property.description === 'string' ? ` <i>// ${escapeHtml(property.description)}</i>` : '';
      return `${inner}${escapeHtml(name)}${required.has(name) ? '' : '?'}: ${typeOf(property, inner)};${note}`;
    });
    if (schema.additionalProperties !== false && lines.length > 0) lines.push(`${inner}…`);
    if (lines.length === 0) return schema.additionalProperties === false ? '{}' : 'object';
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  if (typeof type === 'string') {
    const limits: string[] = [];
    if (typeof schema.minimum === 'number' && schema.minimum > -Number.MAX_SAFE_INTEGER)
      limits.push(`≥ ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && schema.maximum < Number.MAX_SAFE_INTEGER)
      limits.push(`≤ ${schema.maximum}`);
    if (typeof schema.pattern === 'string') limits.push(`/${escapeHtml(schema.pattern)}/`);
    return limits.length > 0 ? `${type} <span class="limit">(${limits.join(', ')})</span>` : type;
  }
  return 'any';
}

function examples(media: JsonObject): string {
  const list = isObject(media.examples) ? Object.values(media.examples) : [];
  return list
    .filter(isObject)
    .map(
      (e) =>
        `<details><summary>Example: ${escapeHtml(String(e.summary ?? ''))}</summary><pre>${escapeHtml(
          JSON.stringify(e.value, null, 2),
        )}</pre></details>`,
    )
    .join('\n');
}

function content(body: unknown): string {
  if (!isObject(body) || !isObject(body.content)) return '';
  return Object.entries(body.content)
    .filter((entry): entry is [string, JsonObject] => isObject(entry[1]))
    .map(
      ([type, media]) =>
        `<div class="media"><span class="type">${escapeHtml(type)}</span><pre class="schema">${typeOf(
          media.schema,
        )}</pre>${examples(media)}</div>`,
    )
    .join('\n');
}

function resolveResponse(doc: OpenApiDocument, response: unknown): JsonObject {
  if (isObject(response) && typeof response.$ref === 'string') {
    return doc.components.responses[response.$ref.split('/').pop()!] ?? {};
  }
  return isObject(response) ? response : {};
}

function operationHtml(doc: OpenApiDocument, path: string, verb: string, op: JsonObject): string {
  const id = escapeHtml(String(op.operationId ?? `${verb}-${path}`));
  const parts = [
    `<section class="op" id="${id}"><h3><span class="verb ${verb}">${verb.toUpperCase()}</span> <code>${escapeHtml(
      path,
    )}</code></h3>`,
    `<p class="summary">${escapeHtml(String(op.summary ?? ''))}</p>`,
  ];
  if (typeof op.description === 'string') parts.push(markdown(op.description));
  const params = Array.isArray(op.parameters) ? op.parameters.filter(isObject) : [];
  if (params.length > 0) {
    parts.push(
      '<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>',
      ...params.map(
        (p) =>
          `<tr><td><code>${escapeHtml(String(p.name))}</code>${p.required ? '' : '?'}</td><td>${escapeHtml(
            String(p.in),
          )}</td><td>${typeOf(p.schema)}</td><td>${escapeHtml(String(p.description ?? ''))}</td></tr>`,
      ),
      '</table>',
    );
  }
  if (op.requestBody) parts.push('<h4>Body</h4>', content(op.requestBody));
  parts.push('<h4>Answers</h4>');
  for (const [status, raw] of Object.entries(isObject(op.responses) ? op.responses : {})) {
    const response = resolveResponse(doc, raw);
    parts.push(
      `<div class="response"><span class="status s${status[0]}">${escapeHtml(status)}</span> ${escapeHtml(
        String(response.description ?? ''),
      )}${content(response)}</div>`,
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:1.2em 2em}header h1{margin:0 0 .2em}
header a{color:#9cc3ff}main{display:flex;gap:2em;padding:1em 2em}
nav{flex:0 0 21em;overflow-wrap:anywhere;position:sticky;top:1em;align-self:flex-start;max-height:95vh;overflow:auto;font-size:13px}
nav a{display:block;color:#1d2430;text-decoration:none;padding:1px 0}nav a:hover{text-decoration:underline}
nav h2{font-size:14px;margin:1em 0 .3em}.content{flex:1;min-width:0}
.op{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:.6em 1.2em;margin:0 0 1em}
.op h3{margin:.3em 0}.verb{display:inline-block;min-width:4.2em;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:1px 6px}
.get{background:#2f7d32}.post{background:#1f5fae}.delete{background:#b3261e}
pre{background:#f1f3f6;padding:.6em;border-radius:4px;overflow:auto;font-size:13px}
table{border-collapse:collapse;font-size:14px}td,th{border-bottom:1px solid #e3e6ea;padding:3px 10px;text-align:left;vertical-align:top}
.status{display:inline-block;font-weight:bold;min-width:2.5em}.s2{color:#2f7d32}.s4{color:#b06000}.s5{color:#b3261e}.s1,.s3{color:#555}
.type{font-size:12px;color:#555}.limit{color:#777}i{color:#6b7380}.summary{font-weight:600}
details summary{cursor:pointer;color:#1f5fae;font-size:14px}.response{margin:.4em 0}
`;

export function docsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, { path: string; verb: string; op: JsonObject }[]>();
  for (const tag of doc.tags) byTag.set(tag.name, []);
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [verb, op] of Object.entries(operations)) {
      const tag = Array.isArray(op.tags) ? String(op.tags[0]) : 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ path, verb, op });
    }
  }
  const tagText = new Map(doc.tags.map((t) => [t.name, t.description]));
  const nav: string[] = [];
  const sections: string[] = [];
  for (const [tag, ops] of byTag) {
    if (ops.length === 0) continue;
    nav.push(`<h2><a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a></h2>`);
    for (const { path, verb, op } of ops) {
      nav.push(
        `<a href="#${escapeHtml(String(op.operationId))}">${verb.toUpperCase()} ${escapeHtml(path)}</a>`,
      );
    }
    sections.push(
      `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${markdown(tagText.get(tag) ?? '')}`,
      ...ops.map(({ path, verb, op }) => operationHtml(doc, path, verb, op)),
    );
  }
  nav.push('<h2><a href="#schemas">schemas</a></h2>');
  const schemas = Object.entries(doc.components.schemas).map(
    ([name, schema]) =>
      `<section class="op" id="${anchor(name)}"><h3>${escapeHtml(name)}</h3>${
        typeof schema.description === 'string' ? `<p>${escapeHtml(schema.description)}</p>` : ''
      }<pre class="schema">${typeOf(schema)}</pre></section>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(doc.info.title)} ${escapeHtml(doc.info.version)}</title><style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<div>OpenAPI 3.1: <a href="/api/docs/openapi.json">/api/docs/openapi.json</a></div></header>
<main><nav>${nav.join('\n')}</nav><div class="content">${markdown(doc.info.description)}
${sections.join('\n')}
<h2 id="schemas">schemas</h2>
${schemas.join('\n')}
</div></main></body></html>`;
}
