import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { buildPage, serveStatic } from './serve.ts';
import type { HarnessApi } from './wire.ts';

export interface Harness {
  page: Page;
  /** Calls the page's harness API and returns its JSON result. */
  call<K extends keyof HarnessApi>(method: K, ...args: Parameters<HarnessApi[K]>): Promise<Awaited<ReturnType<HarnessApi[K]>>>;
  /** Everything the page logged, for failure messages. */
  logs: string[];
  close(): Promise<void>;
}

/** Builds the harness page, serves it and opens it in Chromium. */
export async function openHarness(options: { isolated?: boolean } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'modalflow-web-'));
  await buildPage(dir);
  const server = await serveStatic(dir, options);
  const browser = await launchChromium();
  const logs: string[] = [];
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
    page.on('worker', (w) => w.on('console', (m) => logs.push(`[worker ${m.type()}] ${m.text()}`)));
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 });
    return {
      page,
      logs,
      call: (method, ...args) =>
        page.evaluate(
          ([m, a]) => (globalThis as unknown as { harness: Record<string, (...x: unknown[]) => unknown> }).harness[m]!(...a),
          [method, args] as [string, unknown[]],
        ) as never,
      async close() {
        await browser.close();
        await server.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser.close();
    await server.close();
    throw new Error(`${(e as Error).message}\n${logs.join('\n')}`);
  }
}
