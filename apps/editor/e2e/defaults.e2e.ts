import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openEditor, type Session } from './browser.ts';

const baseUrl = inject('baseUrl');
let session: Session;
beforeAll(async () => {
  session = await openEditor(baseUrl);
});
afterAll(async () => {
  await session?.close();
});

/**
 * A new user opens an example and presses Run without touching an input: every teaching-size
 * example must then run on the values the panel starts with (a sample picture at the size the
 * input fixes, one whole clip of frames, a sentence), one after another in one page as a user
 * would browse them, so a value left from the previous example is part of what is tried.
 */
describe('examples run on the run panel defaults', () => {
  it('every tiny, trained and paradigm example runs without a value being chosen', async () => {
    const page = session.page;
    await page.getByTestId('btn-examples').click();
    await page.locator('[data-testid^=example-]').first().waitFor();
    const ids = (await page.locator('[data-testid^=example-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('example-'.length))))
      // Full-size graphs take minutes to build in a browser, and the zero-shot example needs a downloaded model folder.
      .filter((id) => /^(tiny|trained)-/.test(id) || ['linear-probe', 'coop', 'distillation', 'reinforce'].includes(id));
    await page.keyboard.press('Escape');
    expect(ids.length).toBeGreaterThanOrEqual(27);
    const failed: string[] = [];
    for (const id of ids) {
      await page.getByTestId('btn-examples').click();
      await page.getByTestId(`example-${id}`).click();
      await page.getByTestId(`example-${id}`).waitFor({ state: 'detached' });
      if (!(await page.getByTestId('run-panel').count())) await page.getByTestId('btn-run-panel').click();
      await page.getByTestId('run-provider').selectOption('wasm');
      // The defaults are filled in as the panel meets the new graph's inputs (a sample picture is fetched first).
      await page.locator('[data-testid=run-panel][data-unset="0"]').waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId('run-start').isEnabled(), { timeout: 30_000 }).toBe(true);
      await page.getByTestId('run-start').click();
      await page.locator('[data-testid=run-status]:is([data-status=done], [data-status=failed], [data-status=cancelled])').waitFor({ timeout: 90_000 });
      const status = await page.getByTestId('run-status').getAttribute('data-status');
      if (status !== 'done') {
        const problems = page.getByTestId('run-problems');
        failed.push(`${id}: ${status}; ${(await problems.count()) ? await problems.textContent() : await page.getByTestId('run-status').textContent()}`);
      }
    }
    expect(failed).toEqual([]);
  }, 600_000);
});
