/**
 * What the page's threads do in the slowest frames of the first seconds (--seconds) after Train:
 * records a Chromium trace from just before the click, marks every animation frame in it, and
 * prints the longest frame with each thread's busy and CPU time inside it and the longest events
 * of each thread there (main, compositor, raster, GPU, the training worker). Read with
 * bench/trainFrames.ts's `startAfterTrain` figures.
 * Usage: npm run bench -- editor_train_start_trace   (or: cd apps/editor && npx tsx bench/trainStartTrace.ts [--seconds 6] [--warm-up on|off] [--out trace.json])
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
/** `off` leaves the worker and onnxruntime's wasm to Train, as before the idle warm-up. */
const warmUp = flag('warm-up', 'on');

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { url?: string; functionName?: string } };
}

// A user-timing mark at every animation frame puts the page's frames on the trace's clock.
const MARK = `(() => {
  const w = window;
  w.__marking = true;
  function tick() {
    if (!w.__marking) return;
    performance.mark('mf-frame');
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
  // Steps and phases on the same clock, to tell compiling from training.
  let step = -1;
  let phase = '';
  w.modalflow.editor.subscribe((s) => {
    if (s.train.step !== step) { step = s.train.step; performance.mark('mf-step-' + step); }
    if (s.train.status !== phase) { phase = s.train.status; performance.mark('mf-status-' + phase); }
  });
})()`;

function summarise(events: TraceEvent[], clickTs: number) {
  const names = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name ?? '?']));
  const marks = events.filter((e) => e.name === 'mf-frame' && (e.ph === 'R' || e.ph === 'I' || e.ph === 'n' || e.ph === 'b')).map((e) => e.ts).sort((a, b) => a - b);
  const frames = marks.slice(1).map((t, i) => ({ start: marks[i]!, end: t, ms: (t - marks[i]!) / 1000 }));
  const span = seconds * 1_000_000;
  const after = frames.filter((f) => f.start >= clickTs && f.start < clickTs + span);
  const longest = [...after].sort((a, b) => b.ms - a.ms).slice(0, 3);
  const round = (v: number) => Number(v.toFixed(1));
  const inside = (f: { start: number; end: number; ms: number }) => {
    const perThread = new Map<string, { busyMs: number; cpuMs: number; top: Map<string, { ms: number; cpuMs: number; count: number }> }>();
    for (const e of events) {
      if (e.ph !== 'X' || e.dur === undefined) continue;
      const s = Math.max(e.ts, f.start);
      const t = Math.min(e.ts + e.dur, f.end);
      if (t <= s) continue;
      const thread = names.get(`${e.pid}:${e.tid}`) ?? `?${e.tid}`;
      const row = perThread.get(thread) ?? { busyMs: 0, cpuMs: 0, top: new Map() };
      const share = (t - s) / e.dur;
      if (e.name === 'RunTask' || e.name === 'ThreadPool_RunTask') {
        row.busyMs += (t - s) / 1000;
        row.cpuMs += ((e.tdur ?? 0) * share) / 1000;
      }
      const key = e.name + (e.args?.data?.functionName ? ` ${e.args.data.functionName}` : '') + (e.args?.data?.url ? ` ${e.args.data.url.split('/').pop()}` : '');
      const top = row.top.get(key) ?? { ms: 0, cpuMs: 0, count: 0 };
      top.ms += (t - s) / 1000;
      top.cpuMs += ((e.tdur ?? 0) * share) / 1000;
      top.count++;
      row.top.set(key, top);
      perThread.set(thread, row);
    }
    // The renderer's pool tasks in the frame, in order (start and length in ms after the click, CPU
    // ms, what they ran): raster shares this pool with V8's background compilation.
    const poolTasks = events
      .filter((e) => e.ph === 'X' && e.name === 'ThreadPool_RunTask' && e.dur !== undefined && e.ts < f.end && e.ts + e.dur > f.start)
      .sort((a, b) => a.ts - b.ts)
      .map((e) => {
        const inner = events.find((x) => x.ph === 'X' && x.pid === e.pid && x.tid === e.tid && x.ts >= e.ts && x !== e && x.dur !== undefined && x.dur > e.dur! * 0.5);
        return `${inner?.name ?? '?'} @${round((e.ts - clickTs) / 1000)} +${round(e.dur! / 1000)} (cpu ${round((e.tdur ?? 0) / 1000)}) ${names.get(`${e.pid}:${e.tid}`) ?? ''}:${e.tid}`;
      });
    // When the compositor activated a new tree (ms after the click): a frame waits for this.
    const activations = events
      .filter((e) => e.name === 'LayerTreeHostImpl::ActivateSyncTree' && e.ts >= f.start && e.ts <= f.end)
      .map((e) => round((e.ts - clickTs) / 1000));
    return {
      frameMs: round(f.ms),
      startsAfterClickMs: round((f.start - clickTs) / 1000),
      poolTasks,
      activations,
      threads: Object.fromEntries(
        [...perThread]
          .sort((a, b) => b[1].busyMs - a[1].busyMs)
          .slice(0, 10)
          .map(([k, v]) => [k, { busyMs: round(v.busyMs), cpuMs: round(v.cpuMs), longest: Object.fromEntries([...v.top].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8).map(([n, r]) => [n, { ms: round(r.ms), cpuMs: round(r.cpuMs), count: r.count }])) }]),
      ),
    };
  };
  const sorted = after.map((f) => f.ms).sort((a, b) => a - b);
  // CPU each thread used in the window: what competes with the page for the cores.
  const window5s = { start: clickTs, end: clickTs + span, ms: seconds * 1000 };
  const whole = inside(window5s).threads;
  const cpuIn5s = Object.fromEntries(Object.entries(whole).map(([k, v]) => [k, v.cpuMs]));
  const pools = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || e.ts < clickTs || e.ts > clickTs + span) continue;
    const thread = names.get(`${e.pid}:${e.tid}`) ?? '';
    if (!/ThreadPool|Worker/.test(thread) || !/^(wasm|V8|v8)/.test(e.name)) continue;
    pools.set(`${thread.replace(/\d+$/, '')}: ${e.name}`, (pools.get(`${thread.replace(/\d+$/, '')}: ${e.name}`) ?? 0) + (e.tdur ?? 0) / 1000);
  }
  const seen = new Set<string>();
  const milestones = events
    .filter((e) => /^mf-(step-[0-9]$|status-)/.test(e.name) && e.ts >= clickTs && !seen.has(e.name) && seen.add(e.name))
    .map((e) => [e.name.slice(3), round((e.ts - clickTs) / 1000)]);
  return {
    milestones: Object.fromEntries(milestones),
    cpuMs: cpuIn5s,
    v8AndWasmCpuMs: Object.fromEntries([...pools].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, round(v)])),
    frames: after.length,
    p95FrameMs: round(sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] ?? 0),
    // The frame timeline: start (ms after the click) and length of each frame over 50 ms.
    slowFrames: after.filter((f) => f.ms > 50).map((f) => [round((f.start - clickTs) / 1000), round(f.ms)]),
    longest: longest.map(inside),
  };
}

const app = await serveBuiltApp();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(warmUp === 'off' ? `${app.url}?trainWarmUp=off` : app.url);
  await openLongClipLesson(page, 'wasm');
  // The time a person takes to read the panel; the warm-up runs in it.
  await page.waitForTimeout(4000);
  await browser.startTracing(page, {
    categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8', 'v8.wasm', 'toplevel', 'cc', 'gpu', 'blink', 'disabled-by-default-v8.cpu_profiler'],
  });
  await page.evaluate(MARK);
  await page.waitForTimeout(500);
  await page.evaluate(() => performance.mark('mf-click'));
  await page.getByTestId('train-start').click();
  await page.waitForTimeout(seconds * 1000);
  const buffer = await browser.stopTracing();
  if (out) writeFileSync(out, buffer);
  const trace = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  const click = events.find((e) => e.name === 'mf-click')?.ts ?? 0;
  const loadAverage = loadavg().map((l) => Number(l.toFixed(2)));
  console.log(JSON.stringify({ benchmark: 'editor_train_start_trace', seconds, warmUp, loadAverage, ...summarise(events, click) }, null, 2));
} finally {
  await browser.close();
  await app.close();
}
