import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS, openEditor, type Session } from './browser.ts';
import { ROOT, cliRun } from './cli.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

const EXAMPLE = 'examples/image-captioning';

describe('captioning in the run panel', () => {
  it('writes the caption word by word, ending with the caption modalflow run gives for the same picture', async () => {
    const cli = cliRun([`${EXAMPLE}/tiny.json`, '--weights', `${EXAMPLE}/trained.safetensors`, '-i', `image=${EXAMPLE}/picture.png`]);
    session = await openEditor(baseUrl, { args: CHROMIUM_ARGS });
    const page = session.page;
    await page.getByTestId('btn-examples').click();
    // The tiny captioner with the weights its README trains, in one click.
    await page.getByTestId('example-trained-image-captioning').click();
    await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe(JSON.parse(readFileSync(`${ROOT}${EXAMPLE}/tiny.json`, 'utf8')).meta.title);
    await page.getByTestId('btn-run-panel').click();
    await page.getByTestId('run-provider').selectOption('wasm');
    await expect.poll(() => page.getByTestId('run-weights').getAttribute('data-origin')).toBe('file');
    expect(await page.getByTestId('run-weights').textContent()).toContain('examples/image-captioning/trained.safetensors');

    // The picture the command line reads, instead of the sample the field starts with.
    const image = page.getByTestId('input-image');
    const chosen = image.locator('.mf-image-field__chosen li');
    while (await chosen.count()) await chosen.first().getByRole('button').click();
    await page.getByTestId('image-input-image').setInputFiles(`${ROOT}${EXAMPLE}/picture.png`);
    await expect.poll(() => chosen.locator('.mf-image-field__name').allTextContents()).toEqual(['picture.png']);

    // Every text the page shows while the run goes on, recorded by the page itself: polling from
    // here could miss words that come faster than a round trip.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { captionsSeen: string[] }).captionsSeen = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid=run-generated-text]')?.textContent ?? null;
        if (text !== null && text !== seen.at(-1)) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('run-start').click();
    await page.locator('[data-testid=run-status]:is([data-status=done], [data-status=failed], [data-status=cancelled])').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('run-status').getAttribute('data-status'), (await page.getByTestId('run-problems').count()) ? ((await page.getByTestId('run-problems').textContent()) ?? '') : '').toBe('done');

    const caption = (await cli)['caption_text']!.data[0] as string;
    expect(caption).toBe('a blue triangle at the bottom');
    const seen = await page.evaluate(() => (window as unknown as { captionsSeen: string[] }).captionsSeen);
    // The text grows: each observation extends the one before, several words are seen on the way,
    // and the last is the command line's caption.
    expect(seen.at(-1)!.trim()).toBe(caption);
    for (let k = 1; k < seen.length; k++) expect(seen[k]!.startsWith(seen[k - 1]!.trimEnd()), `${JSON.stringify(seen[k - 1])} then ${JSON.stringify(seen[k])}`).toBe(true);
    const words = seen.map((t) => t.trim().split(/\s+/).filter(Boolean).length);
    expect(new Set(words).size, JSON.stringify(seen)).toBeGreaterThanOrEqual(4);
    expect(Math.min(...words)).toBeLessThanOrEqual(2);
    await expect.poll(() => page.getByTestId('run-generated-generate').getAttribute('data-done')).toBe('true');
    expect(await page.getByTestId('run-generated-generate').textContent()).not.toContain('without a stop token');
  }, 120_000);
});
