/**
 * The one generic server side of the contract, used by every host: look the
 * method up, validate the input, call the service, turn failures into wire
 * errors. Hosts inject how they recognise the core's expected errors and where
 * they log the unexpected ones, so this file stays free of runtime imports
 * from the core.
 */
import type { z } from 'zod';
import type { ErrorSubject } from '../core/errors.ts';
import type { CatenaService } from '../core/service/types.ts';
import type { Envelope, WireError } from './errors.ts';
import { type CallContext, isMethodName, type MethodName, methods } from './methods.ts';

export interface ExpectedError {
  code: string;
  message: string;
  subject: ErrorSubject;
}

export interface DispatchOptions {
  /** the core's `isCatenaError` */
  isExpected(error: unknown): error is ExpectedError;
  /** logs the error with its stack; returns where (shown to the operator) */
  logUnexpected(error: unknown, context: string): string;
}

/**
 * `caller`: who the host vouches for (the API token's name), or null; a
 * method that records who acted (`asCaller`) takes it instead of the name sent.
 * `access`: `read` for the read-only API token (the host refuses it what
 * writes before dispatching; the `access` method tells the caller).
 */
export type Dispatch = (
  method: string,
  input: unknown,
  caller?: string | null,
  access?: CallContext['access'],
) => Promise<Envelope<unknown>>;

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

export function badRequest(message: string): WireError {
  return { code: 'BAD_REQUEST', message };
}

export function toWireError(error: unknown, context: string, options: DispatchOptions): WireError {
  if (options.isExpected(error)) {
    return { code: error.code, message: error.message, subject: error.subject };
  }
  const where = options.logUnexpected(error, context);
  return { code: 'UNEXPECTED', message: `unexpected error, see log file ${where}` };
}

/**
 * `service` may be a promise: a host that opens the database lazily answers
 * every call with the opening error (e.g. a refused connection) instead of
 * not starting at all.
 */
export function createDispatcher(
  service: CatenaService | Promise<CatenaService>,
  options: DispatchOptions,
): Dispatch {
  return async (name, sentInput, caller = null, access = 'full') => {
    if (!isMethodName(name)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `no method "${name}"` } };
    }
    const spec: { asCaller?: (input: unknown, caller: string) => unknown } & (typeof methods)[MethodName] =
      methods[name as MethodName];
    const rawInput = caller !== null && spec.asCaller ? spec.asCaller(sentInput, caller) : sentInput;
    const parsed = spec.input.safeParse(rawInput);
    if (!parsed.success) {
      return { ok: false, error: badRequest(`invalid input for ${name}: ${formatIssues(parsed.error)}`) };
    }
    try {
      const svc = await service;
      // The table's entries are checked one by one where they are written;
      // here the pairing of a method with its own parsed input is known.
      const call = spec.call as (s: CatenaService, input: unknown, context: CallContext) => unknown;
      const value: unknown = await call(svc, parsed.data, { caller, access });
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toWireError(error, `method ${name}`, options) };
    }
  };
}
