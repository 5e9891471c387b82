import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { center, docOf, dragWire, dropFromPalette, newDocument, openEditor, type Session } from './browser.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

type Doc = { nodes: { id: string; type: string }[]; edges: unknown[]; blocks?: Record<string, { nodes: { id: string; params: Record<string, unknown> }[] }> };

describe('blocks end to end', () => {
  it('makes a block from a selection, instances it twice, edits its inside, undoes, saves and reopens', async () => {
    session = await openEditor(baseUrl);
    const { page } = session;
    const label = (edge: string) => page.getByTestId(`edge-label-${edge}`);
    await expect.poll(() => label('fuse.h->norm.x').textContent()).toBe('B×48');

    // Select the text projection and its activation, and collapse them into a block.
    await page.getByTestId('node-text_proj').locator('.mf-node__title').click();
    await page.getByTestId('node-text_act').locator('.mf-node__title').click({ modifiers: ['Shift'] });
    await page.getByTestId('inspector-selection').waitFor();
    await page.getByTestId('make-block-name').fill('proj');
    await page.getByTestId('btn-make-block').click();
    await page.getByTestId('node-proj').waitFor();
    expect(await page.getByTestId('node-proj').getAttribute('data-type')).toBe('block:proj');
    await expect.poll(() => label('text.value->proj.x').textContent()).toBe('B×16');
    await expect.poll(() => label('proj.y->fuse.a').textContent()).toBe('B×24');
    expect(await page.getByTestId('node-text_proj').count()).toBe(0);

    // A second instance from the palette's Blocks group takes the image path's place.
    await page.getByTestId('palette-group-blocks').waitFor();
    await dropFromPalette(page, 'block:proj', 700, 700);
    await page.getByTestId('node-proj_2').waitFor();
    await dragWire(page, await center(page.getByTestId('handle-image-out-value')), await center(page.getByTestId('handle-proj_2-in-x')));
    await dragWire(page, await center(page.getByTestId('handle-proj_2-out-y')), await center(page.getByTestId('handle-fuse-in-b')));
    await expect.poll(() => label('proj_2.y->fuse.b').textContent()).toBe('B×24');
    await page.getByTestId('node-image_proj').locator('.mf-node__title').click();
    await page.getByTestId('node-image_act').locator('.mf-node__title').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('node-image_proj').count()).toBe(0);
    const made = (await docOf(page)) as Doc;
    expect(made.nodes.filter((n) => n.type === 'block:proj').map((n) => n.id)).toEqual(['proj', 'proj_2']);
    await expect.poll(() => page.getByTestId('status-problems').textContent()).toContain('no errors');

    // Open the block: the inside shows the first instance's shapes; widen its projection.
    await page.getByTestId('node-proj').locator('.mf-node__title').click();
    await page.getByTestId('btn-open-block-proj').click();
    await page.getByTestId('breadcrumb').waitFor();
    expect(await page.getByTestId('breadcrumb-block').textContent()).toBe('proj');
    await expect.poll(() => label('text_proj.y->text_act.x').textContent()).toBe('B×24');
    const field = page.getByTestId('param-text_proj-out');
    await field.fill('40');
    await field.press('Enter');
    await expect.poll(() => label('text_proj.y->text_act.x').textContent()).toBe('B×40');
    await page.getByTestId('breadcrumb-graph').click();
    await page.getByTestId('breadcrumb').waitFor({ state: 'detached' });
    // Both instances follow the definition.
    await expect.poll(() => label('proj.y->fuse.a').textContent()).toBe('B×40');
    await expect.poll(() => label('proj_2.y->fuse.b').textContent()).toBe('B×40');
    await expect.poll(() => label('fuse.h->norm.x').textContent()).toBe('B×80');

    // Undo takes the edit inside the block back, for every instance.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => label('fuse.h->norm.x').textContent()).toBe('B×48');
    await expect.poll(() => label('proj_2.y->fuse.b').textContent()).toBe('B×24');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => label('fuse.h->norm.x').textContent()).toBe('B×80');

    // Double-clicking an instance opens its block too; Backspace with nothing selected goes back.
    await page.getByTestId('node-proj_2').locator('.mf-node__title').dblclick();
    await page.getByTestId('breadcrumb').waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Backspace');
    await page.getByTestId('breadcrumb').waitFor({ state: 'detached' });
    expect(((await docOf(page)) as Doc).nodes.map((n) => n.id)).toContain('proj_2');

    // Expose the projection width to instances, then give the second instance its own.
    await page.getByTestId('node-proj').locator('.mf-node__title').dblclick();
    await page.getByTestId('breadcrumb').waitFor();
    await page.getByTestId('node-text_proj').locator('.mf-node__title').click();
    await page.getByTestId('expose-select-text_proj').selectOption('out');
    await page.getByTestId('btn-expose-text_proj').click();
    await expect.poll(() => page.getByTestId('bind-text_proj-out').inputValue()).toBe('out');
    await page.getByTestId('breadcrumb-graph').click();
    await page.getByTestId('node-proj_2').locator('.mf-node__title').click();
    const width = page.getByTestId('param-proj_2-out');
    expect(await width.inputValue()).toBe('40');
    await width.fill('12');
    await width.press('Enter');
    await expect.poll(() => label('proj_2.y->fuse.b').textContent()).toBe('B×12');
    await expect.poll(() => label('proj.y->fuse.a').textContent()).toBe('B×40');
    await expect.poll(() => label('fuse.h->norm.x').textContent()).toBe('B×52');

    // Save, start over, reopen: the same document, blocks and all.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-save').click()]);
    const text = readFileSync((await download.path())!, 'utf8');
    const saved = (await docOf(page)) as Doc;
    expect(JSON.parse(text)).toEqual(saved);
    expect(saved.blocks!['proj']!.nodes.find((n) => n.id === 'text_proj')).toMatchObject({ bind: { out: 'out' } });
    await newDocument(page);
    await page.getByTestId('open-input').setInputFiles({ name: 'blocks.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.getByTestId('node-proj_2').waitFor();
    expect(await docOf(page)).toEqual(saved);
    await expect.poll(() => label('fuse.h->norm.x').textContent()).toBe('B×52');
  });

  it('saves a block to a library file and loads it into another graph', async () => {
    session = await openEditor(baseUrl);
    const { page } = session;
    await page.getByTestId('node-image_proj').locator('.mf-node__title').click();
    await page.getByTestId('node-image_act').locator('.mf-node__title').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Control+g');
    await page.getByTestId('node-block').waitFor();
        await page.getByTestId('node-block').locator('.mf-node__title').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-save-block-block').click()]);
    expect(download.suggestedFilename()).toBe('block.blocks.json');
    const library = readFileSync((await download.path())!);

    await newDocument(page);
    await page.getByTestId('import-blocks-input').setInputFiles({ name: 'block.blocks.json', mimeType: 'application/json', buffer: library });
    await dropFromPalette(page, 'input.tensor', 200, 300);
    await dropFromPalette(page, 'block:block', 600, 300);
    await page.getByTestId('node-block').waitFor();
    await dragWire(page, await center(page.getByTestId('handle-tensor-out-value')), await center(page.getByTestId('handle-block-in-x')));
    await expect.poll(() => page.getByTestId('costs-block').textContent()).toContain('params');
    const doc = (await docOf(page)) as Doc & { blockLibraries: { uri: string; sha256: string }[] };
    expect(doc.blockLibraries).toEqual([{ uri: 'block.blocks.json', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(doc.blocks).toBeUndefined();
  });
});
