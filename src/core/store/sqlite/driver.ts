/**
 * The SQLite driver: the connection lives in a worker thread (worker.ts), so
 * the host's event loop never waits on SQLite. SQLite has one writer and this
 * driver one connection, so statements are serialised by a mutex: a
 * transaction holds it from BEGIN IMMEDIATE to COMMIT, across every `await`
 * in between, and a statement sent through the driver (not the transaction's
 * executor) while that transaction runs in the same async context is refused
 * at once, because it could only wait for itself.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Worker } from 'node:worker_threads';
import { CatenaError } from '../../errors.ts';
import { workerEnv } from '../../worker-env.ts';
import type { KeyedRows } from '../dialect.ts';
import type { Driver, Executor, RunResult, SqlRow, SqlValue, WaitListener } from '../executor.ts';
import {
  deserializeError,
  type WorkerOp,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSetup,
} from './protocol.ts';

export interface SqliteDriverOptions {
  path: string;
  busyTimeoutMs: number;
  /** the worker entry; hosts that bundle (Electron) pass their own */
  workerUrl?: URL;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** how long BEGIN IMMEDIATE may wait before the wait is said to be a lock held elsewhere */
const WAIT_NOTICE_MS = 1_000;

type Call = (op: WorkerOp, sql: string, params?: readonly SqlValue[], rows?: KeyedRows) => Promise<unknown>;

/** The executor of a transaction or session: statements go straight to the worker. */
export class SqliteExecutor implements Executor {
  readonly #call: Call;
  constructor(call: Call) {
    this.#call = call;
  }
  async all(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return (await this.#call('all', sql, params)) as SqlRow[];
  }
  async allArrays(sql: string, params: readonly SqlValue[] = []): Promise<unknown[][]> {
    return (await this.#call('allArrays', sql, params)) as unknown[][];
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return (await this.#call('run', sql, params)) as RunResult;
  }
  /** A bulk upsert, bound and run in the worker; only rows [start, end) of each column travel. */
  async writeKeyed(rows: KeyedRows): Promise<void> {
    const { start, end } = rows;
    const cut = <T extends Float64Array | Int32Array>(column: T) => column.slice(start, end) as T;
    await this.#call('writeKeyed', '', undefined, {
      ...rows,
      timestamp: cut(rows.timestamp),
      nodeIndex: cut(rows.nodeIndex),
      values: rows.values.map(cut),
      tail: rows.tail.map((t) => (typeof t === 'number' ? t : cut(t))),
      start: 0,
      end: end - start,
    });
  }
}

export class SqliteDriver implements Driver<SqliteExecutor> {
  readonly version: string;
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #inside = new AsyncLocalStorage<SqliteDriver>();
  readonly #direct: SqliteExecutor;
  #nextId = 1;
  #tail: Promise<void> = Promise.resolve();
  #stopped: Error | null = null;
  readonly #path: string;

  private constructor(worker: Worker, version: string, path: string) {
    this.#worker = worker;
    this.version = version;
    this.#path = path;
    this.#direct = new SqliteExecutor((op, sql, params, rows) => this.#call(op, sql, params, rows));
    worker.on('message', (reply: WorkerReply) => this.#settle(reply));
    worker.on('error', (error) => this.#stop(error));
    worker.on('exit', (code) => this.#stop(new Error(`the SQLite worker exited with code ${code}`)));
  }

  /** Starts the worker and opens the file there; the worker's open error is thrown as is (to be classified). */
  static open(options: SqliteDriverOptions): Promise<SqliteDriver> {
    const setup: WorkerSetup = { path: options.path, busyTimeoutMs: options.busyTimeoutMs };
    const worker = new Worker(options.workerUrl ?? new URL('./worker.ts', import.meta.url), {
      workerData: setup,
      env: workerEnv(),
    });
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      worker.once('error', onError);
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', onError);
        if (reply.type === 'ready') resolve(new SqliteDriver(worker, reply.version, options.path));
        else {
          void worker.terminate();
          reject(
            reply.type === 'open-error'
              ? deserializeError(reply.error)
              : new Error('unexpected first message'),
          );
        }
      });
    });
  }

  #settle(reply: WorkerReply): void {
    if (reply.type !== 'result') return;
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(deserializeError(reply.error));
  }

  #stop(cause: Error): void {
    if (this.#stopped) return;
    this.#stopped = new CatenaError(
      'STORE_ERROR',
      `The SQLite connection stopped (${cause.message}); open the database again.`,
      {},
      { cause },
    );
    for (const pending of this.#pending.values()) pending.reject(this.#stopped);
    this.#pending.clear();
  }

  #call(op: WorkerOp, sql: string, params?: readonly SqlValue[], rows?: KeyedRows) {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    const request: WorkerRequest = { id, op, sql, params, rows };
    return new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage(request);
    });
  }

  /** Runs `fn` alone on the connection: every other statement waits until it ends. */
  async #exclusive<R>(fn: () => Promise<R>): Promise<R> {
    if (this.#inside.getStore() === this) {
      throw new Error(
        'SQLite driver: a statement outside the open transaction would wait for that transaction forever; use its executor',
      );
    }
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await this.#inside.run(this, fn);
    } finally {
      release();
    }
  }

  session<R>(fn: (exec: SqliteExecutor) => Promise<R>): Promise<R> {
    return this.#exclusive(() => fn(this.#direct));
  }

  /** BEGIN IMMEDIATE takes the write lock at once, so two writers never deadlock: the second waits (busy timeout). */
  /** `signal` is checked before BEGIN and before COMMIT: SQLite statements are local and bounded by the busy timeout. */
  transaction<R>(
    fn: (tx: SqliteExecutor) => Promise<R>,
    signal?: AbortSignal,
    onWait?: WaitListener,
  ): Promise<R> {
    return this.#exclusive(async () => {
      signal?.throwIfAborted();
      await this.#begin(onWait);
      try {
        const result = await fn(this.#direct);
        signal?.throwIfAborted();
        await this.#direct.run('COMMIT');
        return result;
      } catch (error) {
        await this.#call('rollback', '').catch(() => {});
        throw error;
      }
    });
  }

  /**
   * BEGIN IMMEDIATE waits (up to the busy timeout) only while another
   * connection to the file holds its write lock: past WAIT_NOTICE_MS that is
   * said to `onWait`, and said again when the lock is ours.
   */
  async #begin(onWait?: WaitListener): Promise<void> {
    let waiting = false;
    const timer = onWait
      ? setTimeout(() => {
          waiting = true;
          onWait(`waiting for the write lock on ${this.#path} held by another program`);
        }, WAIT_NOTICE_MS)
      : undefined;
    timer?.unref();
    try {
      await this.#direct.run('BEGIN IMMEDIATE');
    } finally {
      clearTimeout(timer);
      if (waiting) onWait?.(null);
    }
  }

  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]> {
    return this.#exclusive(() => this.#direct.all(sql, params));
  }
  allArrays(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]> {
    return this.#exclusive(() => this.#direct.allArrays(sql, params));
  }
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    return this.#exclusive(() => this.#direct.run(sql, params));
  }

  async close(): Promise<void> {
    if (this.#stopped) return;
    await this.#exclusive(() => this.#call('close', '')).catch(() => {});
    await this.#worker.terminate();
  }
}
