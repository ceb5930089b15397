/** Schema: migrate is idempotent and the schema is complete. */
import { expect, it } from 'vitest';
import { describeStore } from './suite.ts';

describeStore('schema', (db) => {
  it('migrate a second time applies nothing and the schema is complete', async () => {
    expect(await db.store.migrate()).toEqual([]);
    expect(await db.store.schemaStatus()).toEqual({
      missingInputTables: [],
      missingCatenaTables: [],
      pendingMigrations: [],
    });
    expect(db.store.info.kind).toBe(db.target.dialect);
    expect(db.store.info.location).not.toMatch(/password|:[^/@]*@/);
    if (db.target.bulkMethod) expect(db.store).toHaveProperty('writeMethod', db.target.bulkMethod);
  });
});
