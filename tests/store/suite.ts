/**
 * The store suites' harness: each section of the port has its own file,
 * table-driven over the real databases (a SQLite file, and MariaDB with each
 * bulk write method). `describeStore` opens one database per target for the
 * file, migrates it, and empties the test chains before each test.
 */
import { afterAll, beforeAll, beforeEach, describe, expect } from 'vitest';
import type { ChainKey } from '../../src/core/domain/chain.ts';
import type { RawColumns } from '../../src/core/domain/columns.ts';
import { CatenaError } from '../../src/core/errors.ts';
import { MIGRATIONS } from '../../src/core/store/migrations.ts';
import type { CatenaStore } from '../../src/core/store/open.ts';
import type { RunEnd } from '../../src/core/store/port.ts';
import { type Opened, removeTmp, TARGETS, type Target } from './targets.ts';

export const A: ChainKey = { controlUnitCode: 'CU001', chain: 'A' };
export const B: ChainKey = { controlUnitCode: 'CU001', chain: 'B' };
export const C: ChainKey = { controlUnitCode: 'CU002', chain: 'A' };

export async function collect(iterable: AsyncIterable<RawColumns>): Promise<RawColumns[]> {
  const chunks: RawColumns[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

export async function expectCatena(
  promise: Promise<unknown>,
  code: string,
  message?: RegExp,
): Promise<CatenaError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatenaError);
  const catena = error as CatenaError;
  expect(catena.code).toBe(code);
  if (message) expect(catena.message).toMatch(message);
  return catena;
}

export const END: RunEnd = {
  status: 'succeeded',
  phase: null,
  message: null,
  errorCode: null,
  rowsRead: 10,
  rowsWritten: 9,
  timestamps: 3,
  invalidRows: 1,
  spikeRows: 2,
  heldRows: 3,
  ignoredRawRows: 4,
  eventsCreated: 5,
};

/** The database of one target, open for the tests of a describeStore block. */
export interface StoreUnderTest {
  readonly target: Target;
  readonly opened: Opened;
  readonly store: CatenaStore;
}

/** One describe block per available target, with a migrated database shared by its tests. */
export function describeStore(section: string, body: (db: StoreUnderTest) => void): void {
  afterAll(removeTmp);
  for (const target of TARGETS) {
    describe.runIf(target.available)(`store on ${target.name}: ${section}`, () => {
      let opened: Opened | undefined;
      const db: StoreUnderTest = {
        target,
        get opened() {
          if (!opened) throw new Error('the database is not open yet');
          return opened;
        },
        get store() {
          return db.opened.store;
        },
      };
      beforeAll(async () => {
        opened = await target.create();
        expect(await opened.store.migrate()).toEqual(MIGRATIONS.map((m) => m.name));
      });
      afterAll(async () => {
        await opened?.drop();
      });
      beforeEach(async () => {
        for (const key of [A, B, C]) await db.store.deleteChain(key);
      });
      body(db);
    });
  }
}
