/** Screenshots of the screens the tests pass through, for people to look at (test-results/screens/). */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ROOT } from './fixtures.ts';

export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ROOT, 'test-results', 'screens', `${name}.png`) });
}
