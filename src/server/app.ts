/**
 * The HTTP/WebSocket host: the contract's methods as `POST /api/<method>`
 * (JSON body = the method's input, validated by the contract's zod schema),
 * the engine's events on the WebSocket `/api/events`, and the built renderer
 * at `/`, so a browser shows the same screens as the desktop app.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { badRequest, createDispatcher, formatIssues, toWireError } from '../contract/dispatch.ts';
import { httpStatusFor, type WireError } from '../contract/errors.ts';
import { clientMessageSchema, type ServerMessage } from '../contract/events.ts';
import { methodNames, methods } from '../contract/methods.ts';
import { isCatenaError } from '../core/errors.ts';
import { createHostLog } from '../core/log.ts';
import type { CatenaService } from '../core/service/types.ts';

export interface ServerOptions {
  service: CatenaService;
  /** the built renderer (`out/renderer`); null or missing = API only */
  staticDir?: string | null;
  /** fastify's log level (default warn) */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** where unexpected errors are logged (default: logDir()/server.log) */
  logUnexpected?: (error: unknown, context: string) => string;
}

/** Progress events are dropped for a client whose socket has this much unsent. */
const SLOW_CLIENT_BYTES = 1 << 20;

/**
 * A page of another origin must not drive the service through the
 * operator's browser: requests that carry an Origin must come from this host.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function errorBody(error: WireError): { error: WireError } {
  return { error };
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { service } = options;
  const logUnexpected = options.logUnexpected ?? createHostLog('server').unexpected;
  const dispatchOptions = { isExpected: isCatenaError, logUnexpected };
  const dispatch = createDispatcher(service, dispatchOptions);

  const app = Fastify({ logger: { level: options.logLevel ?? 'warn' }, bodyLimit: 1 << 20 });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status < 500) {
      // malformed JSON, empty JSON body, unsupported content type, too large
      void reply.status(status).send(errorBody(badRequest(error.message)));
      return;
    }
    const wire = toWireError(error, `${request.method} ${request.url}`, dispatchOptions);
    void reply.status(500).send(errorBody(wire));
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api') && !sameOrigin(request)) {
      await reply.status(403).send(errorBody(badRequest('requests from another origin are refused')));
    }
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  app.get('/api', async () => ({
    methods: methodNames.map((name) => ({
      name,
      route: `POST /api/${name}`,
      summary: methods[name].summary,
    })),
    events: 'GET /api/events (WebSocket): EngineEvent JSON messages; send {"type":"ping"} for a pong',
  }));

  app.get('/api/health', async () => ({ ok: true }));

  app.post<{ Params: { method: string } }>('/api/:method', async (request, reply) => {
    const input = request.body === undefined || request.body === null ? undefined : request.body;
    const envelope = await dispatch(request.params.method, input);
    if (envelope.ok) return reply.status(200).send(envelope.value);
    return reply.status(httpStatusFor(envelope.error.code)).send(errorBody(envelope.error));
  });

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

  app.get<{ Params: { method: string } }>('/api/:method', async (request, reply) =>
    reply
      .status(405)
      .send(
        errorBody(badRequest(`use POST /api/${request.params.method} with a JSON body (the method's input)`)),
      ),
  );

  const staticDir = options.staticDir;
  if (staticDir && existsSync(staticDir)) {
    await app.register(fastifyStatic, { root: staticDir, prefix: '/', index: ['index.html'] });
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Catena</title><p>The interface is not built: run <code>npm run build</code>, then reload. The API is at <a href="/api">/api</a>.</p>',
        ),
    );
  }

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(errorBody({ code: 'UNKNOWN_METHOD', message: `nothing at ${request.url}` }));
  });

  return app;
}
