/** What the fault tests share: the failure of a promise, the operator-message check, table checksums. */
import { expect } from 'vitest';
import { CatenaError } from '../../src/core/errors.ts';
import type { PrivateMariadb } from '../support/private-mariadb.ts';

/** The rejection of `promise`; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  expect(outcome.ok, 'the operation should have failed').toBe(false);
  return outcome.ok ? undefined : outcome.error;
}

/**
 * A CatenaError with `code` whose message is a sentence for the operator: not a bare driver message,
 * the driver's code and text only in trailing parentheses, the driver's error kept as `cause`.
 */
export function expectOperatorError(error: unknown, code: string): CatenaError {
  expect(error, `expected a CatenaError ${code}, got: ${String(error)}`).toBeInstanceOf(CatenaError);
  const e = error as CatenaError;
  expect(e.code, e.message).toBe(code);
  expect(e.message).not.toMatch(/^(Error|ER_|E[A-Z]+:|connect |getaddrinfo|Connection lost)/);
  expect(e.message.length).toBeGreaterThan(60);
  expect(e.message).toMatch(/\. \(.+\)$/);
  expect(e.cause).toBeDefined();
  return e;
}

/** CHECKSUM TABLE of every table of the server's `catena` database, by table. */
export async function checksums(server: PrivateMariadb): Promise<Record<string, string>> {
  const conn = await server.connect();
  try {
    const [tables] = await conn.query(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'catena' ORDER BY 1",
    );
    const names = (tables as { name: string }[]).map((t) => `\`${t.name}\``);
    if (names.length === 0) return {};
    const [rows] = await conn.query(`CHECKSUM TABLE ${names.join(', ')}`);
    return Object.fromEntries(
      (rows as { Table: string; Checksum: unknown }[]).map((r) => [r.Table, String(r.Checksum)]),
    );
  } finally {
    await conn.end();
  }
}

/** Calls `attempt` every few milliseconds until it returns a value other than null, at most `ms`. */
export async function poll<T>(attempt: () => Promise<T | null>, ms = 10_000): Promise<T> {
  const deadline = performance.now() + ms;
  while (true) {
    const value = await attempt();
    if (value !== null) return value;
    if (performance.now() > deadline) throw new Error(`nothing happened within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
