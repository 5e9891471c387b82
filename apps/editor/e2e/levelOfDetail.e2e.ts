import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openEditor, type Session } from './browser.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

const zoomOf = async (page: Page) => Number((await page.getByTestId('zoom-level').textContent())!.replace('%', '')) / 100;

async function zoomTo100(page: Page) {
  await page.getByTestId('zoom-level').click();
  await expect.poll(() => zoomOf(page)).toBe(1);
}

describe('level of detail', () => {
  it('draws simplified cards when zoomed out and full cards at a readable zoom', async () => {
    session = await openEditor(baseUrl);
    const page = session.page;
    await page.getByTestId('btn-examples').click();
    await page.getByTestId('example-uniter').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(38);

    await zoomTo100(page);
    await expect.poll(() => page.locator('.mf-node.is-far').count()).toBe(0);
    // Full cards: title and id, costs footer, and wires labelled at full size.
    expect(await page.locator('.mf-node .mf-node__id').count()).toBe(38);
    expect(await page.locator('.mf-node .mf-node__costs').count()).toBe(38);

    for (let i = 0; i < 10 && (await zoomOf(page)) >= 0.45; i++) {
      const before = await zoomOf(page);
      await page.getByTestId('zoom-out').click();
      await expect.poll(() => zoomOf(page)).toBeLessThan(before);
    }
    expect(await zoomOf(page)).toBeLessThan(0.45);
    await expect.poll(() => page.locator('.mf-node.is-far').count()).toBe(38);
    // Simplified cards keep the title but drop ids, widgets, costs and problem lists.
    expect(await page.locator('.mf-node:not(.is-far)').count()).toBe(0);
    expect(await page.locator('.mf-node .mf-node__id, .mf-node .mf-node__costs, .mf-node .mf-node__params').count()).toBe(0);
    expect(await page.locator('.mf-node.is-far .mf-node__header').first().textContent()).not.toBe('');

    await zoomTo100(page);
    await expect.poll(() => page.locator('.mf-node.is-far').count()).toBe(0);
    expect(await page.locator('.mf-node .mf-node__costs').count()).toBe(38);
  });

  it('mounts only the nodes in view of a large graph', async () => {
    session = await openEditor(baseUrl, { query: '?bench=400' });
    const page = session.page;
    const total = await page.evaluate(
      () => (window as unknown as { modalflow: { editor: { getState(): { doc: { nodes: unknown[] } } } } }).modalflow.editor.getState().doc.nodes.length,
    );
    expect(total).toBe(400);
    await zoomTo100(page);
    await page.waitForTimeout(300);
    const mounted = await page.locator('.react-flow__node').count();
    expect(mounted).toBeGreaterThan(0);
    expect(mounted).toBeLessThan(total);
    expect(await page.locator('.mf-node.is-far').count()).toBe(0);
  });
});
