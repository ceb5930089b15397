/** The messages between the SQLite driver (driver.ts) and its worker thread (worker.ts). */
import type { KeyedRows } from '../dialect.ts';
import type { SqlValue } from '../executor.ts';

export interface WorkerSetup {
  path: string;
  busyTimeoutMs: number;
}

export type WorkerOp = 'all' | 'allArrays' | 'run' | 'writeKeyed' | 'rollback' | 'close';

export interface WorkerRequest {
  id: number;
  op: WorkerOp;
  sql: string;
  params?: readonly SqlValue[];
  /** `writeKeyed`: rows as typed-array columns, bound to statements in the worker */
  rows?: KeyedRows;
}

/** A driver error as plain data: node:sqlite's fields survive the thread boundary, so classification still works. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  errcode?: number;
  errstr?: string;
}

export type WorkerReply =
  | { type: 'ready'; version: string }
  | { type: 'open-error'; error: SerializedError }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const record = error as unknown as Record<string, unknown>;
  const out: SerializedError = { name: error.name, message: error.message };
  if (typeof record.code === 'string') out.code = record.code;
  if (typeof record.errcode === 'number') out.errcode = record.errcode;
  if (typeof record.errstr === 'string') out.errstr = record.errstr;
  return out;
}

export function deserializeError(error: SerializedError): Error {
  return Object.assign(new Error(error.message), error);
}
