import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env['MODALFLOW_CHROMIUM'] ?? '/usr/bin/chromium';
/** WebGPU runs on Chromium's software (SwiftShader) adapter with this flag on a machine without a GPU. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface Session {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A browser with a fresh profile; the save picker is removed so saving downloads, as a test can observe. */
export async function openEditor(baseUrl: string, options: { query?: string; args?: string[] } = {}): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'modalflow-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: options.args ?? CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1920, height: 1080 },
    acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  await context.addInitScript(() => {
    delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(baseUrl + (options.query ?? ''));
  await page.getByTestId('canvas').waitFor();
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function center(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('element is not visible');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Drags a wire with real pointer events, from one point to another. */
export async function dragWire(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 });
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

/** Starts from an empty document, as a user would with New. */
export async function newDocument(page: Page) {
  await page.getByTestId('btn-new').click();
  await page.locator('.react-flow__node').first().waitFor({ state: 'detached' }).catch(() => {});
}

/** Drops a palette item onto the canvas at (x, y) relative to the canvas' top-left corner. */
export async function dropFromPalette(page: Page, type: string, x: number, y: number) {
  await page.getByTestId(`palette-item-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

export function docOf(page: Page) {
  return page.evaluate(() => (window as unknown as { modalflow: { editor: { getState(): { doc: unknown } } } }).modalflow.editor.getState().doc);
}
