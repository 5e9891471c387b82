import type { Page } from 'playwright-core';

/**
 * Opens the contrastive CLIP lesson from the gallery and sets it to train far longer than a
 * recording lasts (evaluating every 20 steps, so the views keep updating), on `provider`.
 */
export async function openLongClipLesson(page: Page, provider: string): Promise<void> {
  await page.getByTestId('canvas').waitFor();
  await page.getByTestId('btn-examples').click();
  await page.getByTestId('lesson-clip-contrastive').click();
  await page.getByTestId('train-panel').waitFor();
  await page.getByTestId('train-provider').selectOption(provider);
  await page.getByTestId('train-steps').fill('100000');
  await page.getByTestId('train-eval-every').fill('20');
}
