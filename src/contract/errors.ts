/**
 * Errors on the wire. An expected failure of the core (CatenaError) crosses as
 * `{code, message, subject}` with the operator's sentence untouched; anything
 * else as `{code: 'UNEXPECTED', message: 'unexpected error, see log file …'}`.
 * A stack never crosses.
 */
import type { ErrorCode, ErrorSubject } from '../core/errors.ts';
import type { TRANSPORT_ERROR_CODES } from './schemas.ts';

export type WireErrorCode = ErrorCode | (typeof TRANSPORT_ERROR_CODES)[number];

export interface WireError {
  /** a WireErrorCode; typed as string so that a newer host's code still parses */
  code: string;
  message: string;
  subject?: ErrorSubject;
}

/** What every transport resolves a call to: never a rejected promise across the boundary. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Thrown by the interface's clients when a call fails; carries the wire error as is. */
export class CatenaApiError extends Error {
  readonly code: WireError['code'];
  readonly subject: ErrorSubject;

  constructor(error: WireError) {
    super(error.message);
    this.name = 'CatenaApiError';
    this.code = error.code;
    this.subject = error.subject ?? {};
  }
}

/** HTTP status for a wire error (the IPC transport ignores it). */
export function httpStatusFor(code: WireError['code']): number {
  switch (code) {
    case 'BAD_REQUEST':
    case 'CONFIG_INVALID':
    case 'PROFILE_INVALID':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'UNKNOWN_METHOD':
    case 'NOT_FOUND':
    case 'CHAIN_NOT_FOUND':
      return 404;
    case 'CHAIN_LOCKED':
    case 'CHAIN_RUNNING':
    case 'LAUNCH_ENDED':
    case 'CANCELLED':
    case 'READ_ONLY':
    case 'LAUNCH_RUNNING':
      return 409;
    case 'CONNECTION_UNKNOWN_HOST':
    case 'CONNECTION_REFUSED':
    case 'CONNECTION_TIMEOUT':
    case 'CONNECTION_ACCESS_DENIED':
    case 'CONNECTION_UNKNOWN_DATABASE':
    case 'CONNECTION_PRIVILEGES':
    case 'CONNECTION_TLS':
    case 'CONNECTION_LOST':
    case 'STORE_BUSY':
      return 503;
    case 'UNEXPECTED':
    case 'TRANSPORT':
      return 500;
    default:
      return 422;
  }
}

/**
 * A refusal decided by a host (not the core): a code of TRANSPORT_ERROR_CODES
 * or the core's, the operator's sentence, and fields that the HTTP answer
 * carries next to `error` (e.g. the running launch's id of a 409).
 */
export class HostRefusal extends Error {
  readonly code: WireErrorCode;
  readonly subject: ErrorSubject;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(
    code: WireErrorCode,
    message: string,
    options: { subject?: ErrorSubject; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'HostRefusal';
    this.code = code;
    this.subject = options.subject ?? {};
    this.extra = options.extra ?? {};
  }

  /** the same refusal with other fields next to `error` */
  withExtra(extra: Record<string, unknown>): HostRefusal {
    return new HostRefusal(this.code, this.message, { subject: this.subject, extra });
  }

  toWire(): WireError {
    return Object.keys(this.subject).length > 0
      ? { code: this.code, message: this.message, subject: this.subject }
      : { code: this.code, message: this.message };
  }
}

export function isHostRefusal(error: unknown): error is HostRefusal {
  return error instanceof HostRefusal;
}
