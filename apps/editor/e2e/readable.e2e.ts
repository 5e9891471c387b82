import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createRegistry } from '@modalflow/nodes';
import { loadExamplesFromDisk } from './exampleFiles.ts';
import { nodeBoxes, overlappingPairs, type Box } from '../src/canvas/nodeSize.ts';
import { createEditorStore } from '../src/store/createEditorStore.ts';
import { openEditor, type Session } from './browser.ts';

const baseUrl = inject('baseUrl');
const shots = join(tmpdir(), 'modalflow-shots');
mkdirSync(shots, { recursive: true });
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

async function start() {
  session = await openEditor(baseUrl);
  return session.page;
}

async function openExample(page: Page, id: string) {
  await page.getByTestId('btn-examples').click();
  await page.getByTestId(`example-${id}`).click();
  await page.getByTestId('example-' + id).waitFor({ state: 'detached' });
}

const zoomOf = async (page: Page) => Number((await page.getByTestId('zoom-level').textContent())!.replace('%', '')) / 100;
/** The viewport's exact scale: the zoom label rounds, so it reads 100% while a zoom animation is still at 0.996. */
const exactZoom = (page: Page) =>
  page.evaluate(() => new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a);

/** Every node card's box on screen, in flow units (divided by the zoom), keyed by node id. */
async function renderedBoxes(page: Page): Promise<Box[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => {
      const r = el.getBoundingClientRect();
      return { id: el.dataset['id']!, x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

const canvasBox = async (page: Page) => (await page.getByTestId('canvas').boundingBox())!;
const intersects = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('readable at first sight', () => {
  it('opens the full CLIP example at a readable zoom with shapes on the wires and costs on the cards', async () => {
    const page = await start();
    await openExample(page, 'clip');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(17);
    await expect.poll(() => page.locator('.mf-node.is-far').count()).toBe(0);
    expect(await zoomOf(page)).toBeGreaterThanOrEqual(0.8);
    const canvas = await canvasBox(page);
    // The inputs are in view, and so are wires labelled with their shapes.
    const image = (await page.getByTestId('node-image').boundingBox())!;
    expect(intersects(image, canvas)).toBe(true);
    const labels = await page.locator('.mf-edge-label').evaluateAll((els) =>
      els.map((e) => ({ text: e.textContent, ...JSON.parse(JSON.stringify(e.getBoundingClientRect())) })),
    );
    const visible = labels.filter((l) => intersects(l, canvas));
    expect(visible.length).toBeGreaterThan(2);
    expect(visible.some((l) => /\d/.test(l.text))).toBe(true);
    expect(await page.getByTestId('costs-patch_embed').textContent()).toMatch(/params/);
    const shot = await page.screenshot({ path: join(shots, 'clip-opened.png'), clip: canvas });
    expect(shot.length).toBeGreaterThan(10_000);
  });

  // One test per example (each with its own time limit) in one shared browser: the gallery keeps growing.
  describe('renders no two cards over each other, and the size rule covers every rendered card', () => {
    const registry = createRegistry();
    const cases = loadExamplesFromDisk().flatMap((ex) =>
      [false, true].flatMap((tiny) => {
        const doc = tiny ? ex.tiny : ex.graph;
        return doc ? [{ name: `${ex.id}${tiny ? ' tiny' : ''}`, galleryId: tiny ? `tiny-${ex.id}` : ex.id, doc }] : [];
      }),
    );
    let shared: Session | null = null;
    beforeAll(async () => {
      shared = await openEditor(baseUrl);
    });
    afterAll(async () => {
      await shared?.close();
    });
    it.each(cases)('$name', async ({ name, galleryId, doc }) => {
      const page = shared!.page;
      await openExample(page, galleryId);
      await expect.poll(() => page.locator('.react-flow__node').count()).toBe(doc.nodes.length);
      // Zoomed in, so every card is drawn in full detail.
      await page.getByTestId('zoom-level').click();
      await expect.poll(() => exactZoom(page)).toBe(1);
      await expect.poll(() => page.locator('.mf-node.is-far').count()).toBe(0);
      const rendered = await renderedBoxes(page);
      expect(overlappingPairs(rendered), name).toEqual([]);
      const s = createEditorStore({ registry, doc }).getState();
      const rule = new Map(nodeBoxes(s.view, s.types, s.nodeViews).map((b) => [b.id, b]));
      const misfits: string[] = [];
      for (const r of rendered) {
        const want = rule.get(r.id)!;
        if (r.height > want.height + 0.5 || Math.abs(r.width - want.width) > 1) misfits.push(`${name} ${r.id}: ${r.width}×${r.height} > ${want.width}×${want.height}`);
      }
      expect(misfits).toEqual([]);
    });
  });

  it('zooms with buttons that show the percentage, fits with the minimap clear of every card, and hides the minimap', async () => {
    const page = await start();
    await openExample(page, 'uniter');
    const opened = await zoomOf(page);
    await page.getByTestId('zoom-in').click();
    await expect.poll(() => zoomOf(page)).toBeGreaterThan(opened);
    await page.getByTestId('zoom-out').click();
    await page.getByTestId('zoom-out').click();
    await expect.poll(() => zoomOf(page)).toBeLessThan(opened);
    await page.getByTestId('zoom-fit').click();
    await page.waitForTimeout(400);
    const minimap = (await page.locator('.react-flow__minimap').boundingBox())!;
    const cards = await renderedBoxes(page);
    expect(cards.length).toBe(38);
    expect(cards.filter((c) => intersects(c, minimap))).toEqual([]);
    // Fitted, the whole graph is small on screen: cards show their titles, wires their shapes.
    if ((await zoomOf(page)) < 0.45) {
      expect(await page.locator('.mf-node.is-far .mf-node__header').first().textContent()).not.toBe('');
      expect(await page.locator('.mf-edge-label.is-far').count()).toBeGreaterThan(10);
    } else {
      expect(await page.locator('.mf-edge-label').count()).toBeGreaterThan(10);
    }
    await page.screenshot({ path: join(shots, 'uniter-fitted.png'), clip: await canvasBox(page) });
    await page.getByTestId('minimap-toggle').click();
    await expect.poll(() => page.locator('.react-flow__minimap').count()).toBe(0);
    await page.getByTestId('minimap-toggle').click();
    await expect.poll(() => page.locator('.react-flow__minimap').count()).toBe(1);
  });

  it('adds clicked palette nodes in free space inside the view', async () => {
    const page = await start();
    await openExample(page, 'late-fusion');
    await page.getByTestId('zoom-level').click();
    for (let i = 0; i < 3; i++) await page.getByTestId('palette-item-layer.linear').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(14);
    await page.waitForTimeout(200);
    const cards = await renderedBoxes(page);
    expect(overlappingPairs(cards)).toEqual([]);
    const canvas = await canvasBox(page);
    const minimap = (await page.locator('.react-flow__minimap').boundingBox())!;
    for (const id of ['linear', 'linear_2', 'linear_3']) {
      const b = cards.find((c) => c.id === id)!;
      expect(b.x >= canvas.x && b.y >= canvas.y && b.x + b.width <= canvas.x + canvas.width && b.y + b.height <= canvas.y + canvas.height, id).toBe(true);
      expect(intersects(b, minimap), id).toBe(false);
    }
  });

  it('gives results room: the run panel grows taller and its results column wider', async () => {
    const page = await start();
    await page.getByTestId('btn-run-panel').click();
    const panel = page.getByTestId('run-panel');
    await panel.waitFor();
    const before = (await panel.boundingBox())!;
    const handle = (await page.getByTestId('run-resize').boundingBox())!;
    await page.mouse.move(handle.x + 200, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 200, handle.y - 150, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await panel.boundingBox())!.height).toBeGreaterThan(before.height + 100);

    const results = page.getByTestId('run-results');
    const narrow = (await results.boundingBox())!.width;
    const split = (await page.getByTestId('run-results-resize').boundingBox())!;
    await page.mouse.move(split.x + split.width / 2, split.y + 40);
    await page.mouse.down();
    await page.mouse.move(split.x - 200, split.y + 40, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await results.boundingBox())!.width).toBeGreaterThan(narrow + 150);
    await page.screenshot({ path: join(shots, 'run-panel-resized.png') });
  });

  it('fits the run and train panels into a 1280-pixel window: nothing runs under the inspector, the results keep room', async () => {
    const page = await start();
    await page.setViewportSize({ width: 1280, height: 800 });
    // Every child of the panel's bar and body, and the train panel's matrix, ends inside the panel.
    const overflow = (panel: string) =>
      page.evaluate((panel) => {
        const root = document.querySelector(`[data-testid=${panel}]`)!;
        const right = root.getBoundingClientRect().right;
        const parts = [...root.querySelectorAll('.mf-run__bar > *, .mf-run__body > .mf-run__col, .mf-simview__grid')];
        return parts.filter((e) => e.getBoundingClientRect().right > right + 0.5).map((e) => `${e.className} ends at ${Math.round(e.getBoundingClientRect().right)} > ${Math.round(right)}`);
      }, panel);

    await page.getByTestId('btn-run-panel').click();
    await page.getByTestId('run-start').click();
    await page.locator('[data-testid=run-status]:is([data-status=done], [data-status=failed])').waitFor({ timeout: 60_000 });
    expect(await overflow('run-panel')).toEqual([]);
    expect((await page.getByTestId('run-results').boundingBox())!.width).toBeGreaterThanOrEqual(270);

    await page.getByTestId('btn-examples').click();
    await page.getByTestId('lesson-clip-contrastive').click();
    await page.getByTestId('train-panel').waitFor();
    await page.getByTestId('train-provider').selectOption('wasm');
    await page.getByTestId('train-start').click();
    await page.getByTestId('train-similarity').waitFor({ timeout: 90_000 });
    expect(await overflow('train-panel')).toEqual([]);
    await page.getByTestId('train-stop').click();
    await page.screenshot({ path: join(shots, 'train-panel-1280.png') });
  });
});
