/**
 * The HTTP/WebSocket host:
 *
 * - the contract's methods as `POST /api/<method>` (JSON body = the method's
 *   input, validated by the contract's zod schema), for the interface;
 * - the REST routes that the contract's tables declare: the legacy
 *   `/trigger` and `/status` of the original notes, and `/api/v1` (rest.ts);
 * - the engine's events on the WebSocket `/api/events`;
 * - the OpenAPI document generated from the same schemas at
 *   `/api/docs/openapi.json`, readable at `/api/docs`;
 * - the built renderer at `/`, so a browser shows the same screens as the
 *   desktop app.
 *
 * Who may drive it is decided first, for every request (doors.ts): the Host
 * name, the Origin, and the API token when there is one.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RouteOptions,
} from 'fastify';
import type { WebSocket } from 'ws';
import { type ApiHost, apiMethods } from '../contract/api.ts';
import { badRequest, createDispatcher, formatIssues, toWireError } from '../contract/dispatch.ts';
import { httpStatusFor } from '../contract/errors.ts';
import { clientMessageSchema, type ServerMessage } from '../contract/events.ts';
import { isMethodName, methodNames, methods } from '../contract/methods.ts';
import { buildOpenApi } from '../contract/openapi.ts';
import { LIVE_ROWS_MAX } from '../contract/stream.ts';
import { isCatenaError } from '../core/errors.ts';
import { createHostLog } from '../core/log.ts';
import type { CatenaService } from '../core/service/types.ts';
import { docsPage } from './docs-page.ts';
import { type Access, bindingProblem, Doors, isApiPath, isLoopbackAddress, tokenProblem } from './doors.ts';
import { createApiHost, LaunchBoard } from './launches.ts';
import { loginPage } from './login-page.ts';
import { openReadSide, type ReadSide } from './read-side.ts';
import { errorBody, registerRestRoutes } from './rest.ts';
import { NO_SCHEDULE, type Scheduler } from './scheduler.ts';
import { sharedReads } from './shared-reads.ts';
import { StreamHub } from './stream.ts';

export interface ServerOptions {
  service: CatenaService;
  /** the built renderer (`out/renderer`); null or missing = API only */
  staticDir?: string | null;
  /** fastify's log level (default warn) */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** where unexpected errors are logged (default: logDir()/server.log) */
  logUnexpected?: (error: unknown, context: string) => string;
  /** the address the server listens on (default 127.0.0.1): the Host names it answers to derive from it */
  listenHost?: string;
  /** more names the Host header may carry (a DNS name of this server, a reverse proxy's) */
  allowedHosts?: readonly string[];
  /** the API token (CATENA_API_TOKEN); required when listenHost is not loopback */
  apiToken?: string | null;
  /** the read-only token (CATENA_API_READ_TOKEN): reads, but what `writes` answers 403 READ_ONLY_TOKEN; needs apiToken */
  readToken?: string | null;
  /**
   * The token's name (CATENA_API_TOKEN_NAME, default "api token"): what is
   * recorded as "by" when a request let in by the token acknowledges events.
   */
  apiTokenName?: string | null;
  /** the version shown in the OpenAPI document */
  version?: string;
  /** one JSON log line per request (method, url, status, time); default: fastify's own request logging at its level */
  requestLog?: boolean;
  /** builds the scheduler on this server's API host (`--schedule`); none = GET /api/v1/schedule says disabled */
  schedule?: ((host: ApiHost, log: FastifyBaseLogger) => Scheduler) | null;
  /** bufferedAmount above which a WebSocket client is dropped from progress and live values (default 1 MiB) */
  slowClientBytes?: number;
  /** how long live values of a chain wait for more commits before the one read (default 250 ms) */
  liveDebounceMs?: number;
  /** at most this many rows in one live message (default LIVE_ROWS_MAX; tests make it small) */
  liveRowsMax?: number;
  /**
   * Reads on a second SQLite connection (read-side.ts; default true). false: every read shares the
   * engine's connection, as before (bench:service --read-connection off compares the two).
   */
  readConnection?: boolean;
}

/** The host's own pages (docs, login) run no script and load nothing. */
/** what an acknowledgement through the token records as "by" when the token has no name */
export const DEFAULT_TOKEN_NAME = 'api token';

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/**
 * The connection manager's methods and "Take offline…" (which writes a file
 * on this host): offered to a browser only on a host bound to loopback.
 */
const SWITCHING_METHODS = new Set([
  'connect',
  'testConnection',
  'listConnections',
  'forgetConnection',
  'takeSnapshot',
  'snapshotStatus',
  'cancelSnapshot',
]);

/** Progress events are dropped for a client whose socket has this much unsent. */
const SLOW_CLIENT_BYTES = 1 << 20;

/** A route registered without documentation says why (see the OpenAPI test). */
export interface RouteConfig {
  undocumented?: string;
  /**
   * The route launches, cancels or changes something: the read-only token is
   * refused it (403 READ_ONLY_TOKEN). `per-method`: as the contract method named by
   * the `:method` parameter declares (`POST /api/:method`).
   */
  writes?: boolean | 'per-method';
}

export interface RegisteredRoute {
  method: string;
  url: string;
  config: RouteConfig;
}

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** Every route of a server built by buildServer (HEAD routes included). */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  return registered.get(app) ?? [];
}

/** Why these options cannot be served, or null. */
export function serverOptionsProblem(
  options: Pick<ServerOptions, 'listenHost' | 'apiToken' | 'readToken'>,
): string | null {
  const token = options.apiToken ?? null;
  const readToken = options.readToken ?? null;
  if (token !== null) {
    const problem = tokenProblem(token);
    if (problem) return problem;
  }
  if (readToken !== null) {
    const problem = tokenProblem(readToken);
    if (problem) return `CATENA_API_READ_TOKEN: ${problem.replace('the API token', 'the read-only token')}`;
    if (token === null)
      return 'a read-only token (CATENA_API_READ_TOKEN) needs the full token too: set CATENA_API_TOKEN';
    if (readToken === token)
      return 'CATENA_API_READ_TOKEN must differ from CATENA_API_TOKEN, or the read-only token could launch';
  }
  return bindingProblem(options.listenHost ?? '127.0.0.1', token);
}

/** What the read-only token is told when it asks for something that writes. */
export const READ_ONLY_MESSAGE =
  'the read-only API token (CATENA_API_READ_TOKEN) cannot launch, cancel, acknowledge or change settings; ' +
  'this needs CATENA_API_TOKEN';

/** Whether a request to this route writes (the contract's `writes`, declared once per method). */
function routeWrites(config: RouteConfig, params: unknown): boolean {
  if (config.writes === 'per-method') {
    const name = (params as { method?: unknown } | undefined)?.method;
    return typeof name === 'string' && isMethodName(name) && methods[name].writes;
  }
  return config.writes === true;
}

/** The read connection, or null (asked not to, or it could not be opened: the reads then share the service's). */
async function openReadSideQuietly(
  service: CatenaService,
  options: ServerOptions,
  logUnexpected: (error: unknown, context: string) => string,
): Promise<ReadSide | null> {
  if (options.readConnection === false) return null;
  try {
    return await openReadSide(service);
  } catch (error) {
    logUnexpected(error, "opening the read connection (reads share the engine's)");
    return null;
  }
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const problem = serverOptionsProblem(options);
  if (problem) throw new Error(problem);
  const { service } = options;
  const logUnexpected = options.logUnexpected ?? createHostLog('server').unexpected;
  const dispatchOptions = { isExpected: isCatenaError, logUnexpected };
  // reads on a connection of their own (SQLite), so that they neither wait for the engine's writes nor hold them up
  const readSide = await openReadSideQuietly(service, options, logUnexpected);
  const reads = readSide?.service ?? service;
  // GET /api/v1/chains: the overview shared by other systems' pollers (one read for many); the
  // console's POST /api/listChains reads afresh (an operator who reloads sees a change made a moment ago)
  const shared = sharedReads(reads);
  const dispatch = createDispatcher(reads, dispatchOptions);
  const doors = new Doors({
    listenHost: options.listenHost ?? '127.0.0.1',
    allowedHosts: options.allowedHosts,
    token: options.apiToken ?? null,
    readToken: options.readToken ?? null,
  });
  const board = new LaunchBoard(service);
  const tokenName = options.apiTokenName?.trim() || DEFAULT_TOKEN_NAME;
  /** who the request acts as: the token's name when the token let it in; null on a server without one */
  const callerOf = (request: FastifyRequest): string | null => {
    // the full token's holder (the read-only token cannot acknowledge: it is refused before this)
    const credential = doors.credential(request);
    return credential !== null && credential.via !== 'open' && credential.access === 'full'
      ? tokenName
      : null;
  };
  /** what the request may do: `read` for the read-only token (refused what writes in onRequest) */
  const accessOf = (request: FastifyRequest): Access => doors.credential(request)?.access ?? 'full';
  let scheduler: Scheduler | null = null;
  const apiHost = createApiHost(reads, board, () => scheduler?.view() ?? NO_SCHEDULE);
  const openapi = buildOpenApi({ version: options.version ?? '0.0.0' });
  const docsHtml = docsPage(openapi);

  const app = Fastify({
    logger: { level: options.logLevel ?? 'warn' },
    // requestLog: fastify's two lines per request give way to the one of the onResponse hook below
    ...(options.requestLog ? { logController: new LogController({ disableRequestLogging: true }) } : {}),
    bodyLimit: 1 << 20,
    // closing (SIGTERM) ends every connection, a refused WebSocket upgrade's kept-alive socket included
    forceCloseConnections: true,
    // a malformed URL (bad percent-encoding, too long a parameter): 400 with a message, as every malformed request
    frameworkErrors: (error, _request, reply) => {
      void (reply as unknown as FastifyReply)
        .status(400)
        .send(errorBody(badRequest(`malformed URL: ${error.message}`)));
    },
  });
  scheduler = options.schedule ? options.schedule(apiHost, app.log) : null;
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    const verbs = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of verbs) {
      routes.push({ method, url: route.url, config: (route.config ?? {}) as RouteConfig });
    }
  });
  const hub = new StreamHub(reads, apiHost, {
    slowClientBytes: options.slowClientBytes ?? SLOW_CLIENT_BYTES,
    debounceMs: options.liveDebounceMs ?? 250,
    rowsMax: options.liveRowsMax ?? LIVE_ROWS_MAX,
    logUnexpected,
  });
  app.addHook('onClose', async () => {
    shared.close();
    hub.close();
    scheduler?.stop();
    board.close();
    await readSide?.close();
  });
  // A refused WebSocket upgrade (401, 403, 426…) has no HTTP connection to keep alive: its socket is
  // ended, or it would stay open and hold the server's close (SIGTERM) until the client leaves.
  app.addHook('onResponse', async (request, reply) => {
    if (request.headers.upgrade !== undefined && reply.statusCode !== 101) request.raw.socket?.end();
  });
  if (options.requestLog) {
    app.addHook('onResponse', async (request, reply) => {
      app.log.info(
        {
          event: 'request',
          reqId: request.id,
          method: request.method,
          url: request.url,
          statusCode: reply.statusCode,
          responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
          remoteAddress: request.ip,
        },
        'request',
      );
    });
  }

  // An empty JSON body is no input (DELETE and bodiless POSTs from clients that always set the type).
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') done(null, undefined);
    else defaultJson(request, String(body), done);
  });

  // Any other type: an empty body is no body (`curl -X POST -d ''` of the legacy trigger), else 415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (String(body).trim() === '') {
      done(null, undefined);
      return;
    }
    const type = request.headers['content-type'] ?? 'none';
    const error = new Error(
      `a body of type "${type}" is not understood: send JSON (content-type: application/json)`,
    );
    done(Object.assign(error, { statusCode: 415 }), undefined);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status < 500) {
      // malformed JSON, unsupported content type, too large
      void reply.status(status).send(errorBody(badRequest(error.message)));
      return;
    }
    const wire = toWireError(error, `${request.method} ${request.url}`, dispatchOptions);
    void reply.status(500).send(errorBody(wire));
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    // not no-referrer: with it a form post of this origin says "Origin: null" and is refused
    reply.header('referrer-policy', 'same-origin');
    const refusal = doors.refuseForeign(request);
    if (refusal) {
      return reply.status(403).send(errorBody({ code: 'FORBIDDEN', message: refusal.message }));
    }
    const credential = doors.credential(request);
    const api = isApiPath(request.url);
    if (credential?.via === 'bearer' && !api) {
      // a browser let in by a header (e.g. a proxy) gets the cookie the console's requests carry
      reply.header('set-cookie', doors.sessionCookie(credential.access, request.protocol === 'https'));
    }
    if (credential !== null) {
      if (
        credential.access === 'read' &&
        routeWrites(request.routeOptions.config as RouteConfig, request.params)
      )
        return reply.status(403).send(errorBody({ code: 'READ_ONLY_TOKEN', message: READ_ONLY_MESSAGE }));
      return;
    }
    const path = request.url.split('?', 1)[0];
    if (path === '/session') return; // entering the token
    if (api) {
      const message =
        request.headers.authorization === undefined
          ? 'this server needs its API token: send "Authorization: Bearer <token>" (CATENA_API_TOKEN)'
          : 'the API token is wrong';
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="catena"')
        .send(errorBody({ code: 'UNAUTHORIZED', message }));
    }
    // the interface's page and files: the page that asks for the token
    return reply
      .status(401)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .send(loginPage(null));
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  // entering the token once: the session cookie (HttpOnly, SameSite=Strict)
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post('/session', async (request, reply) => {
      const form = String(request.headers['content-type'] ?? '').startsWith(
        'application/x-www-form-urlencoded',
      );
      if (doors.token === null) {
        return reply
          .status(404)
          .send(
            errorBody({ code: 'NOT_FOUND', message: 'this server has no API token: nothing to log in to' }),
          );
      }
      const token = (request.body as { token?: unknown } | undefined)?.token;
      const access = typeof token === 'string' ? doors.tokenMatches(token) : null;
      if (access !== null) {
        reply.header('set-cookie', doors.sessionCookie(access, request.protocol === 'https'));
        return form ? reply.redirect('/', 303) : reply.status(204).send();
      }
      await sleep(300); // guessing is slow
      return form
        ? reply
            .status(401)
            .type('text/html; charset=utf-8')
            .header('content-security-policy', PAGE_CSP)
            .send(loginPage('That is not the API token.'))
        : reply.status(401).send(errorBody({ code: 'UNAUTHORIZED', message: 'the API token is wrong' }));
    });
  });

  app.get('/api', async () => ({
    methods: methodNames.map((name) => ({
      name,
      route: `POST /api/${name}`,
      summary: methods[name].summary,
    })),
    routes: [...Object.values(methods), ...Object.values(apiMethods)].flatMap((spec) =>
      spec.http
        ? [{ route: `${spec.http.verb} ${spec.http.path}`, summary: spec.http.summary ?? spec.summary }]
        : [],
    ),
    events: 'GET /api/events (WebSocket): EngineEvent JSON messages; send {"type":"ping"} for a pong',
    stream:
      'GET /api/v1/stream (WebSocket): send {"subscribe":"launches"}, {"subscribe":"alarms"} or {"subscribe":"live","chains":["CU001:A"]}',
    docs: { page: '/api/docs', openapi: '/api/docs/openapi.json' },
  }));

  app.get('/api/health', async () => ({ ok: true }));

  app.get('/api/docs/openapi.json', async () => openapi);
  app.get('/api/docs', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(docsHtml),
  );

  registerRestRoutes(app, {
    service: shared.service,
    host: apiHost,
    dispatch: dispatchOptions,
    callerOf,
    accessOf,
  });

  // Switching the database from a browser is offered only on a host bound to loopback (one operator's own machine).
  const switchable = isLoopbackAddress(options.listenHost ?? '127.0.0.1');
  app.post<{ Params: { method: string } }>(
    '/api/:method',
    { config: { writes: 'per-method' } satisfies RouteConfig },
    async (request, reply) => {
      const name = request.params.method;
      if (SWITCHING_METHODS.has(name) && !switchable) {
        return reply.status(403).send(
          errorBody({
            code: 'FORBIDDEN',
            message:
              'This service is shared on the network, so its database cannot be switched (or copied to a file on it) from a browser; restart it with --db to use another database, or take snapshots with `catena snapshot`.',
          }),
        );
      }
      const input = request.body === undefined || request.body === null ? undefined : request.body;
      const envelope = await dispatch(request.params.method, input, callerOf(request), accessOf(request));
      if (envelope.ok) return reply.status(200).send(envelope.value);
      return reply.status(httpStatusFor(envelope.error.code)).send(errorBody(envelope.error));
    },
  );

  const eventsSocket = (socket: WebSocket) => {
    const send = (message: ServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const unsubscribe = service.onEvent((event) => {
      if (event.type === 'chain-progress' && socket.bufferedAmount > SLOW_CLIENT_BYTES) return;
      send(event);
    });
    socket.on('message', (data) => {
      let payload: unknown;
      try {
        payload = JSON.parse(String(data));
      } catch {
        send({ type: 'error', error: badRequest('a message must be JSON') });
        return;
      }
      const parsed = clientMessageSchema.safeParse(payload);
      if (!parsed.success) {
        send({ type: 'error', error: badRequest(`invalid message: ${formatIssues(parsed.error)}`) });
        return;
      }
      if (parsed.data.type === 'ping') send({ type: 'pong', at: Date.now() });
    });
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  };

  app.route({
    method: 'GET',
    url: '/api/events',
    wsHandler: eventsSocket,
    // a plain GET (no upgrade) is told what this route is
    handler: async (_request, reply) =>
      reply.status(426).send(errorBody(badRequest('/api/events is a WebSocket: connect with ws://'))),
  });

  app.route({
    method: 'GET',
    url: '/api/v1/stream',
    wsHandler: (socket) => hub.accept(socket),
    handler: async (_request, reply) =>
      reply.status(426).send(errorBody(badRequest('/api/v1/stream is a WebSocket: connect with ws://'))),
  });

  app.get<{ Params: { method: string } }>(
    '/api/:method',
    { config: { undocumented: 'tells a GET of a method to use POST (405)' } satisfies RouteConfig },
    async (request, reply) =>
      reply
        .status(405)
        .send(
          errorBody(
            badRequest(`use POST /api/${request.params.method} with a JSON body (the method's input)`),
          ),
        ),
  );

  const staticDir = options.staticDir;
  if (staticDir && existsSync(staticDir)) {
    await app.register(fastifyStatic, { root: staticDir, prefix: '/', index: ['index.html'] });
  } else {
    app.get(
      '/',
      { config: { undocumented: 'the interface (not built)' } satisfies RouteConfig },
      async (_request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(
            '<!doctype html><title>Catena</title><p>The interface is not built: run <code>npm run build</code>, then reload. The API is at <a href="/api">/api</a>.</p>',
          ),
    );
  }

  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(errorBody({ code: 'NOT_FOUND', message: `nothing at ${request.method} ${request.url}` }));
  });

  return app;
}
