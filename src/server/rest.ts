/**
 * Registers the contract's REST routes (methods and apiMethods that declare
 * `http`) on fastify. Each request is validated in two steps, both with zod:
 * its parts (path parameters, query string, body) with the route's schemas,
 * then the method's input with the method's own schema. Every failure answers
 * `{error: {code, message}}`: 400 for a malformed request, the core's and the
 * host's codes otherwise, 500 (logged, never with its stack) for a bug.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { type ApiHost, apiMethods } from '../contract/api.ts';
import { badRequest, type DispatchOptions, formatIssues, toWireError } from '../contract/dispatch.ts';
import { httpStatusFor, isHostRefusal, type WireError } from '../contract/errors.ts';
import { downloadSchema, fastifyPath, type HttpBinding } from '../contract/http.ts';
import { type CallContext, methods } from '../contract/methods.ts';
import type { CatenaService } from '../core/service/types.ts';

export function errorBody(error: WireError, extra: Readonly<Record<string, unknown>> = {}) {
  return { ...extra, error };
}

/** Answers a failure of a route: a host's refusal, the core's expected error, or a bug (logged). */
export function sendFailure(
  reply: FastifyReply,
  error: unknown,
  context: string,
  options: DispatchOptions,
): FastifyReply {
  if (isHostRefusal(error)) {
    return reply.status(httpStatusFor(error.code)).send(errorBody(error.toWire(), error.extra));
  }
  const wire = toWireError(error, context, options);
  return reply.status(httpStatusFor(wire.code)).send(errorBody(wire));
}

class Malformed extends Error {}

/** Issues of one part of a request: an unknown query parameter is named as such. */
function partIssues(error: z.ZodError, part: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const what = part === 'query' ? 'parameter' : 'field';
        return `unknown ${what}${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      return `${issue.path.length > 0 ? issue.path.join('.') : part}: ${issue.message}`;
    })
    .join('; ');
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, part: string): T | undefined {
  if (!schema) {
    const empty =
      value === undefined ||
      value === null ||
      (typeof value === 'object' && Object.keys(value as object).length === 0);
    if (!empty) throw new Malformed(`this route takes no ${part}`);
    return undefined;
  }
  const parsed = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (!parsed.success) throw new Malformed(`invalid ${part}: ${partIssues(parsed.error, part)}`);
  return parsed.data;
}

interface BoundSpec<S> {
  input: z.ZodType;
  writes: boolean;
  call(target: S, input: unknown, context: CallContext): unknown;
  http?: HttpBinding<unknown>;
  asCaller?(input: unknown, caller: string): unknown;
}

export interface RestOptions {
  service: CatenaService;
  host: ApiHost;
  dispatch: DispatchOptions;
  /** who the request's credential names (the API token's name), or null */
  callerOf?: (request: FastifyRequest) => string | null;
  /** what the request's credential may do (default full) */
  accessOf?: (request: FastifyRequest) => CallContext['access'];
}

export function registerRestRoutes(app: FastifyInstance, options: RestOptions): void {
  const bind = <S>(name: string, spec: BoundSpec<S>, target: S) => {
    const binding = spec.http;
    if (!binding) return;
    const context = `${binding.verb} ${binding.path}`;
    app.route({
      method: binding.verb,
      url: fastifyPath(binding.path),
      // the read-only token is refused what writes (app.ts, onRequest)
      config: { writes: spec.writes },
      handler: async (request, reply) => {
        let input: unknown;
        const caller = options.callerOf?.(request) ?? null;
        try {
          const params = parsePart(binding.params, request.params, 'path');
          const query = parsePart(binding.query, request.query, 'query');
          const body = parsePart(binding.body, request.body, 'body');
          const sent = binding.input({ params, query, body });
          const parsed = spec.input.safeParse(
            caller !== null && spec.asCaller ? spec.asCaller(sent, caller) : sent,
          );
          if (!parsed.success)
            throw new Malformed(`invalid input for ${name}: ${formatIssues(parsed.error)}`);
          input = parsed.data;
        } catch (error) {
          if (error instanceof Malformed) return reply.status(400).send(errorBody(badRequest(error.message)));
          throw error;
        }
        try {
          const access = options.accessOf?.(request) ?? 'full';
          const value = await spec.call(target, input, { caller, access });
          if (binding.download) {
            const file = downloadSchema.parse(value);
            const name = file.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
            return reply
              .status(binding.status ?? 200)
              .type(binding.download.contentType)
              .header('content-disposition', `attachment; filename="${name}"`)
              .send(Buffer.from(file.base64, 'base64'));
          }
          return reply.status(binding.status ?? 200).send(value);
        } catch (error) {
          return sendFailure(reply, error, context, options.dispatch);
        }
      },
    });
  };
  for (const [name, spec] of Object.entries(methods)) {
    bind(name, spec as unknown as BoundSpec<CatenaService>, options.service);
  }
  for (const [name, spec] of Object.entries(apiMethods)) {
    bind(name, spec as unknown as BoundSpec<ApiHost>, options.host);
  }
}
