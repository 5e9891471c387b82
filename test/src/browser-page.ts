import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { build, type AliasOptions } from 'vite';
import { launchChromium, type Chromium } from '../../packages/runtime-web/browser/chromium.ts';
import { serveStatic, type StaticServer } from '../../packages/runtime-web/browser/serve.ts';

export interface TestPage {
  page: Page;
  /** Console lines of the page and its workers, for failure messages. */
  logs: string[];
  /** The built page's folder, served as is: files written here can be fetched by the page. */
  dist: string;
  close(): Promise<void>;
}

export interface TestPageOptions {
  alias?: AliasOptions;
  /** Runs after the build, before serving (to copy fixtures next to the page). */
  prepare?: (dist: string) => void;
}

/**
 * Builds a test page with Vite, serves it on localhost, opens it in Debian's Chromium and waits
 * until it sets its title to "ready". One browser and one page serve a whole test file: starting
 * them and onnxruntime-web's worker is most of the cost.
 */
export async function openTestPage(root: string, options: TestPageOptions = {}): Promise<TestPage> {
  const work = mkdtempSync(path.join(tmpdir(), 'modalflow-page-'));
  const dist = path.join(work, 'dist');
  let server: StaticServer | undefined;
  let browser: Chromium | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    // ORT's .wasm copy always trips rolldown's slow-plugin report; it says nothing here.
    const quiet = { checks: { bundlerTimings: false } };
    await build({
      root,
      configFile: false,
      logLevel: 'warn',
      ...(options.alias ? { resolve: { alias: options.alias } } : {}),
      build: { outDir: dist, emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 8192, rolldownOptions: quiet },
      worker: { rolldownOptions: quiet },
    } as Parameters<typeof build>[0]);
    options.prepare?.(dist);
    server = await serveStatic(dist);
    browser = await launchChromium();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const logs: string[] = [];
    page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
    page.on('worker', (w) => w.on('console', (m) => logs.push(`[worker ${m.type()}] ${m.text()}`)));
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
    return { page, logs, dist, close };
  } catch (e) {
    await close();
    throw e;
  }
}
