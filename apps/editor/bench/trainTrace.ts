/**
 * Where the page's main thread spends its time while the Train panel trains: records a Chromium
 * trace (through playwright-core's CDP tracing) of the contrastive CLIP lesson training on wasm
 * with the panel open, and prints the main thread's time by event, the layout roots and the
 * painted layers. A frame-time regression in bench/trainFrames.ts is read with this.
 * Usage: cd apps/editor && npx tsx bench/trainTrace.ts [--seconds 6] [--out trace.json]
 */
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/browser.ts';
import { serveBuiltApp } from '../e2e/serve.ts';
import { openLongClipLesson } from './longLesson.ts';

const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const seconds = Number(flag('seconds', '6'));
const out = flag('out', '');

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  /** Thread (CPU) time: on a loaded machine wall time mostly measures waiting for a core. */
  tdur?: number;
  args?: { name?: string; data?: { nodeName?: string; reason?: string }; endData?: { layoutRoots?: { nodeName?: string }[] } };
}

function summarise(events: TraceEvent[]) {
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byName = new Map<string, { ms: number; cpuMs: number; count: number; maxMs: number }>();
  const layoutRoots = new Map<string, number>();
  const painted = new Map<string, { ms: number; count: number }>();
  const invalidations = new Map<string, number>();
  // Busy time of every thread, the raster and compositor threads included: they share the CPU with the training worker.
  const threadNames = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name ?? '?']));
  const threads = new Map<string, number>();
  const threadsCpu = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask')) continue;
    const name = (threadNames.get(`${e.pid}:${e.tid}`) ?? '?').replace(/\d+$/, '');
    threads.set(name, (threads.get(name) ?? 0) + (e.dur ?? 0) / 1000);
    threadsCpu.set(name, (threadsCpu.get(name) ?? 0) + (e.tdur ?? 0) / 1000);
  }
  for (const e of events) {
    if (!main.has(`${e.pid}:${e.tid}`)) continue;
    if (e.name.endsWith('InvalidationTracking')) {
      const key = `${e.args?.data?.nodeName ?? '?'}: ${e.args?.data?.reason ?? '?'}`;
      invalidations.set(key, (invalidations.get(key) ?? 0) + 1);
    }
    if (e.ph !== 'X') continue;
    const ms = (e.dur ?? 0) / 1000;
    const row = byName.get(e.name) ?? { ms: 0, cpuMs: 0, count: 0, maxMs: 0 };
    row.ms += ms;
    row.cpuMs += (e.tdur ?? 0) / 1000;
    row.count++;
    row.maxMs = Math.max(row.maxMs, ms);
    byName.set(e.name, row);
    if (e.name === 'Layout') for (const r of e.args?.endData?.layoutRoots ?? []) layoutRoots.set(r.nodeName ?? '?', (layoutRoots.get(r.nodeName ?? '?') ?? 0) + 1);
    if (e.name === 'Paint') {
      const p = painted.get(e.args?.data?.nodeName ?? '?') ?? { ms: 0, count: 0 };
      p.ms += ms;
      p.count++;
      painted.set(e.args?.data?.nodeName ?? '?', p);
    }
  }
  const round = (v: number) => Number(v.toFixed(1));
  const top = [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
  return {
    mainThreadMs: Object.fromEntries(top.map(([k, v]) => [k, { ms: round(v.ms), cpuMs: round(v.cpuMs), count: v.count, maxMs: round(v.maxMs) }])),
    layoutRoots: Object.fromEntries(layoutRoots),
    painted: Object.fromEntries([...painted].map(([k, v]) => [k, { ms: round(v.ms), count: v.count }])),
    threadBusyMs: Object.fromEntries([...threads].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, round(v)])),
    threadCpuMs: Object.fromEntries([...threadsCpu].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, round(v)])),
    invalidations: Object.fromEntries([...invalidations].sort((a, b) => b[1] - a[1]).slice(0, 15)),
  };
}

const app = await serveBuiltApp();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(app.url);
  await openLongClipLesson(page, 'wasm');
  await page.getByTestId('train-start').click();
  await page.waitForFunction('window.modalflow.editor.getState().train.step >= 2', undefined, { timeout: 180_000, polling: 200 });
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.invalidationTracking', 'v8'],
  });
  await page.waitForTimeout(seconds * 1000);
  const buffer = await browser.stopTracing();
  if (out) writeFileSync(out, buffer);
  const trace = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  console.log(JSON.stringify({ benchmark: 'editor_train_trace', seconds, ...summarise(events) }, null, 2));
} finally {
  await browser.close();
  await app.close();
}
