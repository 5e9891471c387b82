import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM = process.env.MODALFLOW_CHROMIUM ?? '/usr/bin/chromium';

/**
 * `--enable-unsafe-webgpu` is the one that matters: without it Linux Chromium exposes
 * navigator.gpu but requestAdapter() returns null. With it, a machine without a GPU gets the
 * SwiftShader Vulkan adapter bundled with Chromium ("google swiftshader", a fallback adapter),
 * in pages and workers alike, provided the page is a secure context (http://127.0.0.1 is; a
 * data: URL is not and has no navigator.gpu). The rest keep a test browser quiet and offline.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile that is deleted on close. */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium) or set MODALFLOW_CHROMIUM`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'modalflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
