/**
 * The SQLite worker thread: it owns the database connection (node:sqlite's
 * DatabaseSync, whose calls block), so that no statement — a bulk write, a
 * large read, a wait on another process's write lock — ever blocks the event
 * loop of the process that hosts the interface (Signal Desktop keeps its
 * SQL in a worker for the same reason). Messages are handled one at a time,
 * in order; driver.ts on the other side serialises transactions.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { bindKeyedRow, TimeFormatter } from '../columns.ts';
import type { KeyedRows } from '../dialect.ts';
import type { SqlValue } from '../executor.ts';
import { insertSql } from '../sql.ts';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './protocol.ts';
import { serializeError } from './protocol.ts';

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('the SQLite worker must run in a worker thread');

const statements = new Map<string, StatementSync>();

function statement(db: DatabaseSync, sql: string, arrays: boolean): StatementSync {
  const key = arrays ? `[arrays] ${sql}` : sql;
  let prepared = statements.get(key);
  if (!prepared) {
    prepared = db.prepare(sql);
    if (arrays) prepared.setReturnArrays(true);
    statements.set(key, prepared);
  }
  return prepared;
}

function open(): DatabaseSync {
  const db = new DatabaseSync(setup.path, { timeout: setup.busyTimeoutMs });
  try {
    // The first statement reads the header: a file that is not SQLite fails here.
    db.prepare('PRAGMA journal_mode = WAL').get();
    db.exec('PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536');
    return db;
  } catch (error) {
    if (db.isOpen) db.close();
    throw error;
  }
}

function handle(db: DatabaseSync, request: WorkerRequest): unknown {
  const params = (request.params ?? []) as SQLInputValue[];
  switch (request.op) {
    case 'all':
      return statement(db, request.sql, false).all(...params);
    case 'allArrays':
      return statement(db, request.sql, true).all(...params);
    case 'run': {
      const result = statement(db, request.sql, false).run(...params);
      return { changes: Number(result.changes), lastInsertId: Number(result.lastInsertRowid) || null };
    }
    case 'writeKeyed':
      writeKeyed(db, request.rows!);
      return null;
    case 'rollback':
      if (db.isTransaction) db.exec('ROLLBACK');
      return null;
    case 'close':
      if (db.isOpen) db.close();
      return null;
  }
}

/** Rows per INSERT OR REPLACE statement (prepared once per width). */
const INSERT_ROWS = 64;

/**
 * The bulk write, here rather than on the host's thread: binding tens of
 * thousands of values and formatting their times would otherwise run on the
 * event loop of the process that draws the interface.
 */
function writeKeyed(db: DatabaseSync, rows: KeyedRows): void {
  const { columns, start, end } = rows;
  const width = columns.length;
  const time = new TimeFormatter();
  const replace = (count: number) =>
    insertSql(rows.table, columns, count).replace(/^INSERT/, 'INSERT OR REPLACE');
  const params: SqlValue[] = new Array(INSERT_ROWS * width);
  const full = statement(db, replace(INSERT_ROWS), false);
  let r = start;
  for (; r + INSERT_ROWS <= end; r += INSERT_ROWS) {
    for (let k = 0; k < INSERT_ROWS; k++) bindKeyedRow(params, k * width, rows, time, r + k);
    full.run(...(params as SQLInputValue[]));
  }
  const rest = end - r;
  if (rest > 0) {
    const tail: SqlValue[] = new Array(rest * width);
    for (let k = 0; k < rest; k++) bindKeyedRow(tail, k * width, rows, time, r + k);
    statement(db, replace(rest), false).run(...(tail as SQLInputValue[]));
  }
}

let db: DatabaseSync;
try {
  db = open();
  const version = db.prepare('SELECT sqlite_version() AS v').get()?.v;
  port.postMessage({ type: 'ready', version: String(version) } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ type: 'open-error', error: serializeError(error) } satisfies WorkerReply);
  process.exit(0);
}

port.on('message', (request: WorkerRequest) => {
  try {
    const value = handle(db, request);
    port.postMessage({ type: 'result', id: request.id, ok: true, value } satisfies WorkerReply);
  } catch (error) {
    port.postMessage({
      type: 'result',
      id: request.id,
      ok: false,
      error: serializeError(error),
    } satisfies WorkerReply);
  }
  if (request.op === 'close') port.close();
});
