/**
 * Expected failures carry a stable code, the subject they are about (chain,
 * node, column) and a sentence that tells the operator what to do. Hosts show
 * `message` as is; anything that is not a CatenaError is an unexpected failure
 * and is logged with its stack.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONNECTION_UNKNOWN_HOST'
  | 'CONNECTION_REFUSED'
  | 'CONNECTION_TIMEOUT'
  | 'CONNECTION_ACCESS_DENIED'
  | 'CONNECTION_UNKNOWN_DATABASE'
  | 'CONNECTION_PRIVILEGES'
  | 'CONNECTION_TLS'
  | 'CONNECTION_LOST'
  | 'NOT_A_CATENA_DATABASE'
  | 'PROFILE_INVALID'
  | 'CHAIN_NOT_FOUND'
  | 'CHAIN_CONFIG'
  | 'CHAIN_LOCKED'
  | 'CHAIN_LOCK_LOST'
  | 'LAUNCH_NOT_FOUND'
  | 'STORE_BUSY'
  | 'RULE_NOT_FOUND'
  /** a notification (a rule's test message) could not be delivered */
  | 'NOTIFY_FAILED'
  | 'READ_ONLY'
  | 'LAUNCH_RUNNING'
  | 'DATA_INVALID'
  | 'CANCELLED'
  | 'STORE_ERROR';

export interface ErrorSubject {
  controlUnitCode?: string;
  chain?: string;
  nodeIndex?: number;
  column?: string;
  table?: string;
}

export class CatenaError extends Error {
  readonly code: ErrorCode;
  readonly subject: ErrorSubject;
  /** the same work may pass if tried again shortly (connection lost or refused, deadlock, lock wait, failover) */
  transient: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    subject: ErrorSubject = {},
    options?: { cause?: unknown; transient?: boolean },
  ) {
    super(message, options);
    this.name = 'CatenaError';
    this.code = code;
    this.subject = subject;
    this.transient = options?.transient ?? false;
  }
}

export function isCatenaError(error: unknown): error is CatenaError {
  return error instanceof CatenaError;
}
