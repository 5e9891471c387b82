import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { overlappingPairs, type Box } from '../src/canvas/nodeSize.ts';
import { openEditor, type Session } from './browser.ts';

// The minimap sits outside the canvas, so it covers no node however the view moves, and every
// way of adding a node puts it in free space inside the view.
const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

async function start() {
  session = await openEditor(baseUrl);
  return session.page;
}

type Rect = { x: number; y: number; width: number; height: number };
const intersects = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
const canvasBox = async (page: Page) => (await page.getByTestId('canvas').boundingBox())!;

async function cards(page: Page): Promise<Box[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset['id']!, x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

async function newIds(page: Page, before: Set<string>) {
  await expect.poll(async () => (await cards(page)).filter((c) => !before.has(c.id)).length).toBe(1);
  await page.waitForTimeout(150);
  const all = await cards(page);
  return { all, added: all.find((c) => !before.has(c.id))! };
}

describe('minimap and new nodes', () => {
  it('docks the minimap outside the canvas, so no pan or zoom puts it over a node; it can be hidden', async () => {
    const page = await start();
    const minimap = page.locator('.react-flow__minimap');
    await minimap.waitFor();
    const canvas = await canvasBox(page);
    expect(intersects((await minimap.boundingBox())!, canvas)).toBe(false);
    // Pan the graph towards the bottom-right corner, where a floating minimap would sit, and zoom in.
    const pane = page.locator('.react-flow__pane');
    const from = { x: canvas.x + 200, y: canvas.y + 120 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + canvas.width * 0.3, from.y + canvas.height * 0.3, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('zoom-in').click();
    await page.waitForTimeout(300);
    const box = (await minimap.boundingBox())!;
    // What of each card the canvas shows (a card half out of view is cut at the canvas' edge).
    const shown = (await cards(page)).flatMap((c) => {
      const x = Math.max(c.x, canvas.x);
      const y = Math.max(c.y, canvas.y);
      const width = Math.min(c.x + c.width, canvas.x + canvas.width) - x;
      const height = Math.min(c.y + c.height, canvas.y + canvas.height) - y;
      return width > 0 && height > 0 ? [{ id: c.id, x, y, width, height }] : [];
    });
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.filter((c) => intersects(c, box))).toEqual([]);
    expect(await pane.count()).toBe(1);
    // Dragging in the minimap still moves the canvas' view.
    const before = await page.locator('.react-flow__viewport').getAttribute('style');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 + 10, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => page.locator('.react-flow__viewport').getAttribute('style')).not.toBe(before);
    // Hidden and shown again from the zoom bar; the canvas keeps its size either way.
    await page.getByTestId('minimap-toggle').click();
    await expect.poll(() => minimap.count()).toBe(0);
    expect((await canvasBox(page)).width).toBe(canvas.width);
    await page.getByTestId('minimap-toggle').click();
    await expect.poll(() => minimap.count()).toBe(1);
  });

  it('puts a node added by double-click in free space in view, next to where the user pointed', async () => {
    const page = await start();
    await page.getByTestId('zoom-level').click();
    await page.waitForTimeout(300);
    const canvas = await canvasBox(page);
    // Empty canvas just left of a card: a new card with its corner there would cover that card.
    const spot = await page.evaluate((c) => {
      const onPane = (x: number, y: number) => x > c.x && y > c.y && x < c.x + c.width && y < c.y + c.height && !!document.elementFromPoint(x, y)?.classList.contains('react-flow__pane');
      for (const el of document.querySelectorAll('.react-flow__node')) {
        const r = el.getBoundingClientRect();
        for (let dx = 30; dx <= 90; dx += 10) if (onPane(r.x - dx, r.y + 24)) return { x: r.x - dx, y: r.y + 24 };
      }
      return null;
    }, canvas);
    expect(spot).not.toBe(null);
    const before = new Set((await cards(page)).map((c) => c.id));
    await page.mouse.dblclick(spot!.x, spot!.y);
    await page.getByTestId('node-picker-input').fill('linear');
    await page.getByTestId('node-picker-input').press('Enter');
    const { all, added } = await newIds(page, before);
    expect(overlappingPairs(all)).toEqual([]);
    expect(inside(added, canvas)).toBe(true);
    // Near the pointer, not flung to the view's centre.
    expect(Math.hypot(added.x - spot!.x, added.y - spot!.y)).toBeLessThan(500);
  });

  it('puts a node dragged from the palette onto a card, or onto the canvas edge, in free space in view', async () => {
    const page = await start();
    await page.getByTestId('zoom-level').click();
    await page.waitForTimeout(300);
    const canvas = await canvasBox(page);
    const target = (await cards(page)).find((c) => c.id === 'norm')!;
    for (const at of [
      { x: target.x + target.width / 2 - canvas.x, y: target.y + 30 - canvas.y },
      { x: canvas.width - 6, y: canvas.height - 6 },
    ]) {
      const before = new Set((await cards(page)).map((c) => c.id));
      await page.getByTestId('palette-item-layer.linear').dragTo(page.getByTestId('canvas'), { targetPosition: at });
      const { all, added } = await newIds(page, before);
      expect(overlappingPairs(all), JSON.stringify(at)).toEqual([]);
      expect(inside(added, canvas), JSON.stringify({ at, added, canvas })).toBe(true);
    }
  });
});
