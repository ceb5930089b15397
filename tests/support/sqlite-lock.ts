import type { DatabaseSync } from 'node:sqlite';

/**
 * BEGIN IMMEDIATE on `db` without blocking this thread: retried while another
 * writer holds the file. The store under test drives its writes from this
 * same thread and must get to commit, so a blocking busy timeout would
 * deadlock both until it expired.
 */
export async function takeWriteLock(db: DatabaseSync): Promise<void> {
  for (;;) {
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (error) {
      if (!/locked|busy/i.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}
