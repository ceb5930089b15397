/**
 * The OpenAPI 3.1 document of the HTTP host, generated from the contract's
 * tables with zod 4's `toJSONSchema`: every method as `POST /api/<method>`,
 * every declared REST route (methods and apiMethods), and the few routes of
 * the host itself (index, health, events WebSocket, docs, session).
 * Request parts are described as they arrive (io "input": a query parameter
 * is a string), answers as they leave (io "output").
 */
import { z } from 'zod';
import { apiMethods, chainRunningBodySchema } from './api.ts';
import type { HttpBinding } from './http.ts';
import { methods } from './methods.ts';
import { errorBodySchema } from './outputs.ts';

export type JsonObject = { [key: string]: unknown };

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, JsonObject>>;
  components: {
    schemas: Record<string, JsonObject>;
    responses: Record<string, JsonObject>;
    securitySchemes: Record<string, JsonObject>;
  };
}

export interface OpenApiOptions {
  version: string;
}

const TAGS = [
  { name: 'legacy', description: 'The trigger and status routes of the original notes, as they were.' },
  { name: 'launches', description: 'Launches as resources: start, follow, cancel; the history of runs.' },
  { name: 'chains', description: 'Chains, their configuration and their elaborated data.' },
  {
    name: 'notifications',
    description: 'Who is told of alarm events and stale data, and how: the rules of catena_notify_rules.',
  },
  {
    name: 'interface',
    description:
      'The methods the console calls: `POST /api/<method>` with the input as JSON body (also usable by scripts).',
  },
  { name: 'service', description: 'The host itself: index, health, events, documentation, session.' },
];

const DESCRIPTION = `Catena elaborates RSN tilt-sensor chains. This is its HTTP API, generated from the same zod
schemas that validate every request.

**Doors.** Requests must name this server in \`Host\` (DNS rebinding is refused). A request with an
\`Origin\` header must come from this origin. When the server has an API token (\`CATENA_API_TOKEN\`;
required off loopback), every \`/api\`, \`/trigger\` and \`/status\` request and every WebSocket upgrade
carries \`Authorization: Bearer <token>\` (the console in a browser uses the session cookie it gets by
entering the token once). Off loopback without \`CATENA_API_TOKEN\`, the service generates one into its
data folder (file \`api-token\`, mode 0600). The read-only token (\`CATENA_API_READ_TOKEN\`) reads: an
operation marked \`x-catena-writes: true\` (launch, cancel, …) answers it 403 \`READ_ONLY_TOKEN\`.

**Errors** are \`{"error": {"code", "message", "subject"?}}\` with a sentence for the operator; never a
stack trace or SQL. Malformed requests get 400.

**Times** are epoch seconds (UTC) in \`/api/v1\`; query parameters also take ISO 8601 dates. The legacy
routes answer ISO 8601 strings, as the notes did.`;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts zod schemas, collecting named ones (`.meta({id})`) as components. */
class SchemaSet {
  readonly components: Record<string, JsonObject> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as JsonObject;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, JsonObject>;
    delete json.$defs;
    // a named schema as a request part (io input) may differ from its answer form: keep both
    const name = (id: string) => (io === 'output' ? id : `${id}Input`);
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (!isObject(node)) return node;
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(node)) {
        out[k] =
          k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
            ? `#/components/schemas/${name(v.slice('#/$defs/'.length))}`
            : rewrite(v);
      }
      return out;
    };
    for (const [id, def] of Object.entries(defs)) this.components[name(id)] = rewrite(def) as JsonObject;
    return rewrite(json) as JsonObject;
  }
}

const json = (schema: JsonObject, examples?: Record<string, { summary: string; value: unknown }>) => ({
  'application/json': examples && Object.keys(examples).length > 0 ? { schema, examples } : { schema },
});

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

function exampleMap(list: { summary: string; value: unknown }[]) {
  return Object.fromEntries(list.map((e, i) => [`example${i + 1}`, e]));
}

/** The parameters of a request part (an object schema) as OpenAPI parameters. */
function parameters(set: SchemaSet, schema: z.ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const object = set.convert(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function errorResponses(
  binding: Pick<HttpBinding, 'errors' | 'conflict'>,
  errorBody: JsonObject,
  writes = false,
) {
  const out: Record<string, JsonObject> = {
    400: ref('BadRequest'),
    401: ref('Unauthorized'),
    403: ref(writes ? 'ForbiddenOrReadOnly' : 'Forbidden'),
  };
  for (const [status, description] of Object.entries(binding.errors ?? {})) {
    const schema =
      status === '409' && binding.conflict === 'chain-running'
        ? { $ref: '#/components/schemas/ChainRunning' }
        : errorBody;
    out[status] = { description, content: json(schema) };
  }
  out[500] = ref('Unexpected');
  return out;
}

export function buildOpenApi(options: OpenApiOptions): OpenApiDocument {
  const set = new SchemaSet();
  const errorBody = set.convert(errorBodySchema, 'output');
  set.convert(chainRunningBodySchema, 'output');
  const paths: Record<string, Record<string, JsonObject>> = {};
  const add = (path: string, verb: string, operation: JsonObject) => {
    paths[path] ??= {};
    paths[path][verb.toLowerCase()] = operation;
  };

  // the declared REST routes
  const bound: {
    summary: string;
    input: z.ZodType;
    output: z.ZodType;
    writes: boolean;
    http?: HttpBinding<unknown>;
  }[] = [...Object.values(methods), ...Object.values(apiMethods)];
  for (const spec of bound) {
    const binding = spec.http;
    if (!binding) continue;
    const status = binding.status ?? 200;
    const examples = binding.examples ?? [];
    const operation: JsonObject = {
      operationId: binding.operationId,
      tags: [binding.tag],
      summary: binding.summary ?? spec.summary,
      ...(binding.description ? { description: binding.description } : {}),
      parameters: [...parameters(set, binding.params, 'path'), ...parameters(set, binding.query, 'query')],
      responses: {
        [status]: binding.download
          ? {
              description: binding.download.description,
              headers: {
                'Content-Disposition': {
                  description: 'attachment; filename="…"',
                  schema: { type: 'string' },
                },
              },
              content: { [binding.download.contentType]: { schema: { type: 'string', format: 'binary' } } },
            }
          : {
              description: STATUS_TEXT[status] ?? 'OK',
              content: json(
                set.convert(spec.output, 'output'),
                exampleMap(examples.map((e) => ({ summary: e.summary, value: e.response }))),
              ),
            },
        ...errorResponses(binding, errorBody, spec.writes),
      },
      // the read-only token (CATENA_API_READ_TOKEN) is refused it
      'x-catena-writes': spec.writes,
    };
    if (binding.body) {
      operation.requestBody = {
        required: true,
        content: json(
          set.convert(binding.body, 'input'),
          exampleMap(
            examples.filter((e) => e.body !== undefined).map((e) => ({ summary: e.summary, value: e.body })),
          ),
        ),
      };
    }
    add(binding.path, binding.verb, operation);
  }

  // every method of the interface as POST /api/<method>
  for (const [name, spec] of Object.entries(methods)) {
    const optional = spec.input.safeParse(undefined).success;
    add(`/api/${name}`, 'POST', {
      operationId: `call_${name}`,
      tags: ['interface'],
      summary: spec.summary,
      requestBody: { required: !optional, content: json(set.convert(spec.input, 'input')) },
      responses: {
        200: { description: 'OK', content: json(set.convert(spec.output, 'output')) },
        ...errorResponses(
          {
            errors: {
              404: 'no such method (UNKNOWN_METHOD), or the chain is not in active_stations',
              409: 'the chain is locked by another run',
              422: 'the core refused the input or the data (e.g. CHAIN_CONFIG)',
              503: 'the database cannot be reached',
            },
          },
          errorBody,
          spec.writes,
        ),
      },
      'x-catena-writes': spec.writes,
    });
  }

  // the host's own routes
  const text = (description: string, type = 'text/html') => ({
    description,
    content: { [type]: { schema: { type: 'string' } } },
  });
  add('/api', 'GET', {
    operationId: 'index',
    tags: ['service'],
    summary: 'what this host offers: the methods, the routes, the documentation',
    responses: {
      200: { description: 'OK', content: json({ type: 'object' }) },
      401: ref('Unauthorized'),
      403: ref('Forbidden'),
    },
  });
  add('/api/health', 'GET', {
    operationId: 'health',
    tags: ['service'],
    summary: 'answers while the host runs',
    responses: {
      200: {
        description: 'OK',
        content: json(set.convert(z.object({ ok: z.literal(true) }), 'output'), {
          example1: { summary: 'up', value: { ok: true } },
        }),
      },
      401: ref('Unauthorized'),
      403: ref('Forbidden'),
    },
  });
  add('/api/events', 'GET', {
    operationId: 'events',
    tags: ['service'],
    summary:
      'WebSocket: the engine’s events (launch-started, chain-progress, chain-finished, launch-finished)',
    description:
      'Upgrade to a WebSocket (same Origin rule and token as the rest of the API). The server sends each ' +
      'engine event as one JSON message; send `{"type":"ping"}` for a `{"type":"pong"}`. Progress messages ' +
      'are dropped for a client that does not keep up.',
    responses: {
      101: { description: 'Switching Protocols: the WebSocket is open' },
      401: ref('Unauthorized'),
      403: ref('Forbidden'),
      426: { description: 'a plain GET: connect with ws://', content: json(errorBody) },
    },
  });
  add('/api/v1/stream', 'GET', {
    operationId: 'stream',
    tags: ['service'],
    summary: 'WebSocket: subscriptions to launches (progress), alarms and live values of chosen chains',
    description:
      'Upgrade to a WebSocket (same Host, Origin and token checks as the rest of the API). Send ' +
      '`{"subscribe":"launches"}` for the engine’s events, `{"subscribe":"alarms"}` for the alarm events ' +
      'runs create, `{"subscribe":"live","chains":["CU001:A"]}` for the newest elaborated row of every node ' +
      '(`{"type":"live",…}` at once, then after every committed batch: one database read per commit, shared ' +
      'by every subscriber); `{"unsubscribe":…}` undoes one. The server answers `subscribed`, then the ' +
      'messages; an invalid message is answered `{"type":"error"}`. Progress and live values are not sent ' +
      'to a client that does not keep up.',
    responses: {
      101: { description: 'Switching Protocols: the WebSocket is open' },
      401: ref('Unauthorized'),
      403: ref('Forbidden'),
      426: { description: 'a plain GET: connect with ws://', content: json(errorBody) },
    },
  });
  add('/api/docs', 'GET', {
    operationId: 'docs',
    tags: ['service'],
    summary: 'this document as a page to read',
    responses: { 200: text('the page'), 401: ref('Unauthorized'), 403: ref('Forbidden') },
  });
  add('/api/docs/openapi.json', 'GET', {
    operationId: 'openapi',
    tags: ['service'],
    summary: 'this document (OpenAPI 3.1)',
    responses: {
      200: { description: 'OK', content: json({ type: 'object' }) },
      401: ref('Unauthorized'),
      403: ref('Forbidden'),
    },
  });
  add('/session', 'POST', {
    operationId: 'login',
    tags: ['service'],
    summary: 'a browser enters the API token once and gets the session cookie',
    description:
      'Only when the server has an API token. The answer sets `catena_session` (HttpOnly, SameSite=Strict), ' +
      'which the console’s requests then carry. A form post is redirected to `/`; JSON gets 204.',
    security: [],
    requestBody: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: set.convert(z.object({ token: z.string() }), 'input'),
        },
        'application/json': { schema: set.convert(z.object({ token: z.string() }), 'input') },
      },
    },
    responses: {
      204: { description: 'the cookie is set' },
      303: { description: 'the cookie is set; on to the console' },
      401: text('wrong token (the login page again, or ErrorBody for JSON)'),
      403: ref('Forbidden'),
      404: { description: 'the server has no API token: nothing to log in to', content: json(errorBody) },
    },
  });

  const errorExample = (code: string, message: string) => ({
    example1: { summary: code, value: { error: { code, message } } },
  });
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: { title: 'Catena API', version: options.version, description: DESCRIPTION },
    tags: TAGS,
    security: [{ bearer: [] }, { session: [] }, {}],
    paths,
    components: {
      schemas: set.components,
      responses: {
        BadRequest: {
          description: 'malformed request: the message names the part and the problem',
          content: json(
            errorBody,
            errorExample('BAD_REQUEST', 'invalid query: points: must be a whole number'),
          ),
        },
        Unauthorized: {
          description: 'the server has an API token and the request does not carry it',
          content: json(
            errorBody,
            errorExample(
              'UNAUTHORIZED',
              'this server needs its API token: send "Authorization: Bearer <token>"',
            ),
          ),
        },
        Forbidden: {
          description: 'a foreign Origin or an unknown Host name (refused whatever the token)',
          content: json(errorBody, errorExample('FORBIDDEN', 'requests from another origin are refused')),
        },
        ForbiddenOrReadOnly: {
          description:
            'a foreign Origin or an unknown Host name (FORBIDDEN); or the read-only token ' +
            '(CATENA_API_READ_TOKEN) on a route that launches, cancels or changes something (READ_ONLY_TOKEN)',
          content: json(
            errorBody,
            errorExample(
              'READ_ONLY_TOKEN',
              'the read-only API token (CATENA_API_READ_TOKEN) cannot launch, cancel, acknowledge or change settings; this needs CATENA_API_TOKEN',
            ),
          ),
        },
        Unexpected: {
          description: 'a bug: logged with its stack on the server, never sent',
          content: json(
            errorBody,
            errorExample('UNEXPECTED', 'unexpected error, see log file /var/log/catena/server.log'),
          ),
        },
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'CATENA_API_TOKEN (everything), or CATENA_API_READ_TOKEN (only operations without x-catena-writes); ' +
            'needed when the server has a token (always off loopback)',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'catena_session',
          description: 'what a browser gets from POST /session; HttpOnly, SameSite=Strict',
        },
      },
    },
  };
}
