import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openEditor, type Session } from './browser.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

interface Doc {
  nodes: { id: string; ui?: { x: number; y: number } }[];
}
const docOf = (page: Page) => page.evaluate(() => (window as unknown as { modalflow: { editor: { getState(): { doc: Doc } } } }).modalflow.editor.getState().doc);

/** Screen point of a flow point, from the viewport's transform. */
async function toScreen(page: Page, x: number, y: number) {
  return page.evaluate(
    ([fx, fy]) => {
      const m = /translate\(([-\d.]+)px, ([-\d.]+)px\) scale\(([\d.]+)\)/.exec((document.querySelector('.react-flow__viewport') as HTMLElement).style.transform)!;
      const rf = document.querySelector('.react-flow')!.getBoundingClientRect();
      return { x: rf.left + Number(m[1]) + fx! * Number(m[3]), y: rf.top + Number(m[2]) + fy! * Number(m[3]), zoom: Number(m[3]) };
    },
    [x, y],
  );
}

describe('a big graph zoomed out', () => {
  it('draws on one canvas, mounts the node under the pointer, moves it by dragging, and box-selects unmounted nodes', async () => {
    session = await openEditor(baseUrl, { query: '?bench=400' });
    const page = session.page;
    await page.locator('.react-flow__node').first().waitFor();
    await expect.poll(() => page.getByTestId('overview-map').count()).toBe(1);
    await page.getByTestId('zoom-fit').click();
    await expect.poll(() => page.getByTestId('far-layer').count()).toBe(1);
    // Nothing is mounted until the pointer is over a node: the canvas draws all of them.
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
    expect(await page.locator('.react-flow__edge').count()).toBe(0);
    const node = (await docOf(page)).nodes.find((n) => n.id === 'n_3_4')!;
    const at = await toScreen(page, node.ui!.x + 100, node.ui!.y + 28);
    expect(at.zoom).toBeLessThan(0.45);
    // The canvas has the node's colours where the node is, and the background elsewhere.
    const painted = await page.getByTestId('far-layer').evaluate((c: HTMLCanvasElement, p) => {
      const r = c.getBoundingClientRect();
      const pixel = (x: number, y: number) => [...c.getContext('2d')!.getImageData(Math.round(x - r.left), Math.round(y - r.top), 1, 1).data];
      return { node: pixel(p.x, p.y), empty: pixel(r.left + 2, r.top + 2) };
    }, at);
    expect(painted.node[3]).toBeGreaterThan(0);
    expect(painted.empty[3]).toBe(0);

    await page.mouse.move(at.x, at.y);
    const mounted = page.locator('.react-flow__node[data-id="n_3_4"]');
    await mounted.waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(1);
    expect(await mounted.locator('.mf-node.is-far').count()).toBe(1);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(at.x + i * 6, at.y + i * 3);
    await page.mouse.up();
    await expect.poll(async () => (await docOf(page)).nodes.find((n) => n.id === 'n_3_4')!.ui!.x).toBeGreaterThan(node.ui!.x + 30 / at.zoom);
    // The dragged node stays selected, so it stays mounted; the rest are still drawn on the canvas.
    expect(await page.locator('.react-flow__node').count()).toBe(1);

    // A box drawn with Shift selects the nodes wholly inside it, though none of them was mounted.
    const from = await toScreen(page, 250, 5 * 320 - 30);
    const to = await toScreen(page, 1150, 5 * 320 + 150);
    await page.keyboard.down('Shift');
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2);
    await page.mouse.move(to.x, to.y);
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const selected = () => page.evaluate(() => [...(window as unknown as { modalflow: { editor: { getState(): { selectedNodes: Set<string> } } } }).modalflow.editor.getState().selectedNodes].sort());
    await expect.poll(selected).toEqual(expect.arrayContaining(['n_5_0', 'n_5_1', 'n_5_2']));
    expect((await selected()).filter((id) => id.startsWith('n_5_') || id === 'in_5')).toEqual(['n_5_0', 'n_5_1', 'n_5_2']);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe((await selected()).length);

    // Back at a readable zoom, cards are mounted again (only those near the view) and the canvas goes.
    await page.getByTestId('zoom-level').click();
    await expect.poll(() => page.getByTestId('far-layer').count()).toBe(0);
    await expect.poll(() => page.locator('.mf-node:not(.is-far)').count()).toBeGreaterThan(0);
    expect(await page.locator('.react-flow__node').count()).toBeLessThan(400);
  });
});
