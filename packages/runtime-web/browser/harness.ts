import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { buildPage, serveDev, serveStatic, type StaticServer } from './serve.ts';
import type { HarnessApi } from './wire.ts';

export interface Harness {
  page: Page;
  /** Calls the page's harness API and returns its JSON result. */
  call<K extends keyof HarnessApi>(method: K, ...args: Parameters<HarnessApi[K]>): Promise<Awaited<ReturnType<HarnessApi[K]>>>;
  /** Everything the page logged, for failure messages. */
  logs: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** 'build' (default): a production build, served statically; 'dev': Vite's dev server. */
  mode?: 'build' | 'dev';
  /** Serve with COOP/COEP so the page is cross-origin isolated (build mode). */
  isolated?: boolean;
}

/** Serves the harness page (built, or from the dev server) and opens it in Chromium. */
export async function openHarness(options: HarnessOptions = {}): Promise<Harness> {
  let dir: string | undefined;
  let server: StaticServer;
  if (options.mode === 'dev') {
    server = await serveDev();
  } else {
    dir = await mkdtemp(join(tmpdir(), 'modalflow-web-'));
    await buildPage(dir);
    server = await serveStatic(dir, options);
  }
  const browser = await launchChromium();
  const logs: string[] = [];
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
    page.on('worker', (w) => w.on('console', (m) => logs.push(`[worker ${m.type()}] ${m.text()}`)));
    await page.goto(server.url);
    // The dev server bundles dependencies on the first request, so allow it more time.
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
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
        if (dir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser.close();
    await server.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${logs.join('\n')}`);
  }
}
