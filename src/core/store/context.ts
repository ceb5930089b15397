/** What every query of the SQL store works with: the driver, its dialect, and error classification. */
import type { Dialect } from './dialect.ts';
import type { Driver, Executor } from './executor.ts';

export interface SqlContext<T extends Executor = Executor> {
  readonly driver: Driver<T>;
  readonly dialect: Dialect<T>;
  /** chain locks and run heartbeats stay valid this long without renewal */
  readonly leaseSeconds: number;
  /** an offline snapshot: writes are refused, stale runs are not marked interrupted */
  readOnly: boolean;
  /** Runs `fn`; a driver failure becomes the dialect's CatenaError for `doing` (a gerund). */
  guard<R>(doing: string, fn: () => Promise<R>): Promise<R>;
}

/** The guard every store uses: classified failures are thrown as CatenaErrors, bugs unchanged. */
export function guardWith(dialect: Pick<Dialect, 'classify' | 'isTransient'>) {
  return async <R>(doing: string, fn: () => Promise<R>): Promise<R> => {
    try {
      return await fn();
    } catch (error) {
      const classified = dialect.classify(error, doing);
      if (!classified) throw error;
      if (dialect.isTransient(error)) classified.transient = true;
      throw classified;
    }
  };
}
