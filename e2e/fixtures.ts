/**
 * What the end-to-end tests share: the demo chains they use, the chain that
 * e2e/serve.ts breaks on purpose, and small helpers over the HTTP API.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { APIRequestContext } from '@playwright/test';

export const ROOT = join(import.meta.dirname, '..');

/** Chains of the demo site (src/core/demo/layout.ts). */
export const SMALL_A = { controlUnitCode: 'CU002', chain: 'A' } as const; // 12 nodes
export const SMALL_B = { controlUnitCode: 'CU003', chain: 'B' } as const; // 16 nodes
/** Broken by breakChain: node 3 has no gainX, so every run of it fails with CHAIN_CONFIG. */
export const BROKEN = { controlUnitCode: 'CU002', chain: 'B' } as const;
export const BROKEN_NODE = 3;

export function label(key: { controlUnitCode: string; chain: string }): string {
  return `${key.controlUnitCode}-${key.chain}`;
}

/** A fresh demo database at `path`, made by the CLI as an operator would. */
export function createDemoDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'catena.js'), 'demo', '--db', `sqlite:${path}`],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(`catena demo failed (${result.status}): ${result.stderr}${result.stdout}`);
  }
}

/**
 * Deletes a chain's elaborated rows, as if it had never been elaborated: the
 * next incremental run then elaborates its whole history (a run long enough
 * to be seen running), whatever the tests before this one launched.
 */
export function forgetOutputs(key: { controlUnitCode: string; chain: string }): void {
  const path = process.env.CATENA_E2E_DB;
  if (!path) throw new Error('CATENA_E2E_DB is not set (playwright.config.ts sets it)');
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 10000');
    db.prepare('DELETE FROM elaborated_rsn_data WHERE controlUnitCode = ? AND chain = ?').run(
      key.controlUnitCode,
      key.chain,
    );
  } finally {
    db.close();
  }
}

/**
 * A node that died on a chain that is not broken (the demo's dead node is on
 * BROKEN, whose runs fail before anything is written): from DEAD_DAYS before
 * the chain's last raw row on, node DEAD_NODE sends null values with error
 * code 3, as the demo's dead node does. Node 7 of CU003-A's 30 (node 12 is
 * the disabled one).
 */
export const DEAD = { controlUnitCode: 'CU003', chain: 'A' } as const;
export const DEAD_NODE = 7;
export const DEAD_DAYS = 6;

export function killNode(path: string): void {
  const db = new DatabaseSync(path);
  try {
    const where = 'controlUnitCode = ? AND chain = ?';
    const changed = db
      .prepare(
        'UPDATE raw_rsn_data SET rawX = NULL, rawY = NULL, rawZ = NULL, rawT = NULL, errorCode = 3 ' +
          `WHERE ${where} AND nodeIndex = ? AND timestamp >= ` +
          `(SELECT datetime(MAX(timestamp), '-${DEAD_DAYS} days') FROM raw_rsn_data WHERE ${where})`,
      )
      .run(DEAD.controlUnitCode, DEAD.chain, DEAD_NODE, DEAD.controlUnitCode, DEAD.chain);
    if (Number(changed.changes) === 0)
      throw new Error(`no raw rows of ${label(DEAD)} node ${DEAD_NODE} to kill`);
  } finally {
    db.close();
  }
}

/** Nulls one node's gainX: the calibration an operator forgot to enter. */
export function breakChain(path: string): void {
  const db = new DatabaseSync(path);
  try {
    const changed = db
      .prepare('UPDATE rsn_nodes SET gainX = NULL WHERE controlUnitCode = ? AND chain = ? AND nodeIndex = ?')
      .run(BROKEN.controlUnitCode, BROKEN.chain, BROKEN_NODE);
    if (Number(changed.changes) !== 1) throw new Error(`no node ${BROKEN_NODE} in ${label(BROKEN)} to break`);
  } finally {
    db.close();
  }
}

export async function callApi<T>(request: APIRequestContext, method: string, input?: unknown): Promise<T> {
  const response = await request.post(`/api/${method}`, input === undefined ? {} : { data: input });
  if (!response.ok()) throw new Error(`${method}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

interface RunRow {
  status: string;
  launchId: string;
}

/** Waits until no run of the launch is still running. */
export async function waitForLaunch(
  request: APIRequestContext,
  launchId: string,
  timeoutMs = 120_000,
): Promise<RunRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await callApi<RunRow[]>(request, 'listRuns', { launchId });
    if (runs.length > 0 && runs.every((r) => r.status !== 'running')) return runs;
    if (Date.now() > deadline) throw new Error(`launch ${launchId} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface ChainState {
  controlUnitCode: string;
  chain: string;
  lastElaboratedAt: number | null;
}

/** Elaborates (full) those of `keys` that have never been, so a test can show their results. */
export async function ensureElaborated(
  request: APIRequestContext,
  keys: readonly { controlUnitCode: string; chain: string }[],
): Promise<void> {
  const chains = await callApi<ChainState[]>(request, 'listChains');
  const todo = keys.filter((k) => chains.find((c) => label(c) === label(k))?.lastElaboratedAt === null);
  if (todo.length === 0) return;
  const { launchId } = await callApi<{ launchId: string }>(request, 'launch', { chains: todo, mode: 'full' });
  const runs = await waitForLaunch(request, launchId);
  if (runs.some((r) => r.status !== 'succeeded')) throw new Error(`could not elaborate ${todo.map(label)}`);
}

export interface ChainRow {
  controlUnitCode: string;
  chain: string;
  siteName: string | null;
  lastRawAt: number | null;
  lastElaboratedAt: number | null;
}

/** Elaborates (full) those of `keys` whose elaborated data does not reach their newest raw row. */
export async function ensureUpToDate(
  request: APIRequestContext,
  keys: readonly { controlUnitCode: string; chain: string }[],
): Promise<void> {
  const chains = await callApi<ChainRow[]>(request, 'listChains');
  const todo = keys.filter((k) => {
    const c = chains.find((x) => label(x) === label(k));
    return c !== undefined && c.lastElaboratedAt !== c.lastRawAt;
  });
  if (todo.length === 0) return;
  const { launchId } = await callApi<{ launchId: string }>(request, 'launch', { chains: todo, mode: 'full' });
  await waitForLaunch(request, launchId);
}

interface EventRow {
  metric: string;
  level: number;
}

/** The current level per metric (cumulative, velocity, tilt) as the newest event of each says. */
export async function currentLevels(
  request: APIRequestContext,
  key: { controlUnitCode: string; chain: string },
): Promise<number[]> {
  const events = await callApi<EventRow[]>(request, 'events', { key, limit: 100_000 });
  return ['cumulative_mm', 'velocity_mm_per_day', 'tilt_deg'].map(
    (metric) => events.find((e) => e.metric === metric)?.level ?? 0,
  );
}
