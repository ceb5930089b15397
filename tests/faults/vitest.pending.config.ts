/**
 * The fault tests that production code does not pass yet (`*.pending.ts`, outside the normal run):
 * `npx vitest run -c tests/faults/vitest.pending.config.ts`. When a fix lands, rename the file to
 * `*.test.ts`.
 */
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.ts';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['tests/**/*.pending.ts'] },
});
