/** Steps of the interface that several tests take. */
import { expect, type Page } from '@playwright/test';

/** Answers the confirmation of a full re-elaboration: the rows it replaces are counted first. */
export async function confirmFull(page: Page): Promise<void> {
  const dialog = page.getByTestId('confirm-full');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('confirm-full-rows')).not.toContainText('Counting');
  await dialog.getByRole('button', { name: /^(Replace [\d,]+ rows|Elaborate)$/ }).click();
  await expect(dialog).toBeHidden();
}
