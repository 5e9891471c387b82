/**
 * Frame times of the editor while the Train panel trains: the contrastive CLIP lesson in headless
 * Chromium, training in its worker, while the page records every animation frame (the canvas, the
 * live curves and the similarity view keep drawing). Prints JSON with the p50, p95 and longest
 * frame, the steps trained meanwhile, and whether p95 meets the 33 ms target (30 frames a second).
 * Usage: npm run bench -- editor_train_frames   (or: cd apps/editor && npx tsx bench/trainFrames.ts
 * [--seconds 10] [--rounds 2] [--start-rounds 2] [--provider wasm|webgpu])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, WEBGPU_ARGS } from '../e2e/browser.ts';
import { serveBuiltApp } from '../e2e/serve.ts';
import { openLongClipLesson } from './longLesson.ts';

const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const seconds = Number(flag('seconds', '10'));
const providers = flag('provider', 'wasm').split(',');
const rounds = Number(flag('rounds', '2'));
/** Turns of each start mode (the wasm compiled while idle, or left to Train) for the first-seconds figures. */
const startRounds = Number(flag('start-rounds', '2'));
const START_SECONDS = 5;
const TARGET_P95_MS = 33;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

// Passed as source text: tsx's helpers do not exist inside the page.
const RECORD = `(() => {
  const w = window;
  w.__frames = [];
  w.__recording = true;
  let last = 0;
  function tick(t) {
    if (!w.__recording) return;
    if (last) w.__frames.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})()`;

async function stopRecording(page: import('playwright-core').Page): Promise<number[]> {
  return (await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames;
  })) as number[];
}

const trainStep = `(() => window.modalflow.editor.getState().train.step)()`;

// When Train is pressed (the next input event) and when the first step lands, on the page's clock.
const FIRST_STEP = `(() => {
  const w = window;
  w.__firstStep = null;
  w.__trainPressed = null;
  addEventListener('pointerup', () => { w.__trainPressed ??= performance.now(); }, { once: true, capture: true });
  const off = w.modalflow.editor.subscribe((s) => {
    if (s.train.step >= 1 && w.__firstStep === null) { w.__firstStep = performance.now(); off(); }
  });
})()`;

type Context = Awaited<ReturnType<typeof chromium.launchPersistentContext>>;

/**
 * The first seconds after Train, on a fresh page (a fresh training worker): with the worker and
 * onnxruntime's wasm readied while the panel sat idle, or (`?trainWarmUp=off`) left to Train.
 */
async function measureStart(context: Context, url: string, provider: string, warmUp: boolean) {
  const page = await context.newPage();
  try {
    await page.goto(warmUp ? url : `${url}?trainWarmUp=off`);
    await openLongClipLesson(page, provider);
    // The time a person takes to read the panel; the warm-up runs in it.
    await page.waitForTimeout(4000);
    await page.evaluate(RECORD);
    await page.evaluate(FIRST_STEP);
    await page.getByTestId('train-start').click();
    await page.waitForTimeout(START_SECONDS * 1000);
    const early = (await page.evaluate('window.__frames.length')) as number;
    const step = (await page.evaluate(trainStep)) as number;
    // Then on to 5 s past the first step: the first steps' kernels are where the stalls were seen,
    // and with the warm-up they come sooner, so a fixed window alone would not compare like with like.
    await page.waitForFunction(`window.__firstStep !== null && performance.now() >= window.__firstStep + ${START_SECONDS * 1000}`, undefined, { timeout: 180_000, polling: 100 });
    const all = await stopRecording(page);
    const firstStepMs = Math.round((await page.evaluate('window.__firstStep - window.__trainPressed')) as number);
    const frames = all.slice(0, early);
    const throughFirstSteps = all;
    await page.getByTestId('train-stop').click().catch(() => undefined);
    return {
      warmUp,
      frames: frames.length,
      stepAfter5s: step,
      longestFrameMs: Number(Math.max(...frames).toFixed(2)),
      p95FrameMs: Number(percentile(frames, 95).toFixed(2)),
      framesOver33Ms: frames.filter((f) => f > TARGET_P95_MS).length,
      firstStepMs,
      untilFirstStepPlus5s: { frames: throughFirstSteps.length, longestFrameMs: Number(Math.max(...throughFirstSteps).toFixed(2)), p95FrameMs: Number(percentile(throughFirstSteps, 95).toFixed(2)) },
    };
  } finally {
    await page.close();
  }
}

async function startTurns(context: Context, url: string, provider: string) {
  const turns: Awaited<ReturnType<typeof measureStart>>[] = [];
  // Alternating which goes first, so neither always meets a warmer browser (its wasm code cache) or a quieter machine.
  for (let r = 0; r < startRounds; r++) for (const warmUp of r % 2 ? [true, false] : [false, true]) turns.push(await measureStart(context, url, provider, warmUp));
  const of = (warmUp: boolean) => {
    const t = turns.filter((x) => x.warmUp === warmUp);
    return {
      startLongestFrameMs: Math.max(...t.map((x) => x.longestFrameMs)),
      startP95FrameMs: Math.max(...t.map((x) => x.p95FrameMs)),
      untilFirstStepPlus5sLongestFrameMs: Math.max(...t.map((x) => x.untilFirstStepPlus5s.longestFrameMs)),
      turns: t.map(({ warmUp: _, ...rest }) => rest),
    };
  };
  return { seconds: START_SECONDS, warmedWhileIdle: of(true), leftToTrain: of(false) };
}

async function measure(url: string, provider: string) {
  const dir = mkdtempSync(join(tmpdir(), 'modalflow-bench-train-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: provider === 'webgpu' ? [...CHROMIUM_ARGS, ...WEBGPU_ARGS] : CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1920, height: 1080 },
  });
  try {
    const start = startRounds > 0 ? await startTurns(context, url, provider) : null;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await openLongClipLesson(page, provider);
    // The same page not training, as a baseline: on a busy machine frames are slow with no training at all.
    await page.evaluate(RECORD);
    await page.waitForTimeout(Math.min(seconds, 5) * 1000);
    const idle = await stopRecording(page);
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid=train-status][data-status=training]').waitFor({ timeout: 180_000 });
    // Measured once steps are being taken, not while the worker compiles the step.
    await page.waitForFunction(trainStep + ' >= 2', undefined, { timeout: 180_000, polling: 200 });
    const stepsBefore = (await page.evaluate(trainStep)) as number;
    await page.evaluate(RECORD);
    await page.waitForTimeout(seconds * 1000);
    const frames = await stopRecording(page);
    const stepsAfter = (await page.evaluate(trainStep)) as number;
    const status = await page.getByTestId('train-status').getAttribute('data-status');
    const used = await page.getByTestId('train-status').getAttribute('data-provider');
    // Training goes on with the panel closed: what is left of the slow frames is the worker's
    // claim on the CPU, not the panel's drawing.
    await page.getByTestId('btn-train-panel').click();
    await page.getByTestId('train-panel').waitFor({ state: 'detached' });
    const hiddenBefore = (await page.evaluate(trainStep)) as number;
    await page.evaluate(RECORD);
    await page.waitForTimeout(seconds * 1000);
    const hidden = await stopRecording(page);
    const hiddenSteps = ((await page.evaluate(trainStep)) as number) - hiddenBefore;
    // Then closed and open in turns, `rounds` times: the first open recording is taken early in
    // the run, while the worker's kernels warm up and the first evaluations run, so it is no fair
    // match for the closed one; these turns see the same steady run and the same machine load.
    const turns = { open: [] as number[], closed: [] as number[], openSteps: 0, closedSteps: 0 };
    for (let r = 0; r < rounds; r++) {
      for (const state of ['closed', 'open'] as const) {
        const isOpen = (await page.getByTestId('train-panel').count()) > 0;
        if (isOpen !== (state === 'open')) {
          await page.getByTestId('btn-train-panel').click();
          await page.getByTestId('train-panel').waitFor({ state: state === 'open' ? 'attached' : 'detached' });
        }
        const before = (await page.evaluate(trainStep)) as number;
        await page.evaluate(RECORD);
        await page.waitForTimeout(seconds * 1000);
        turns[state].push(...(await stopRecording(page)));
        turns[`${state}Steps`] += ((await page.evaluate(trainStep)) as number) - before;
      }
    }
    const summary = (f: number[], steps: number) => ({ frames: f.length, stepsDuringRecording: steps, p50FrameMs: Number(percentile(f, 50).toFixed(2)), p95FrameMs: Number(percentile(f, 95).toFixed(2)), framesOver33Ms: f.filter((x) => x > TARGET_P95_MS).length, meetsTarget: percentile(f, 95) <= TARGET_P95_MS });
    await page.getByTestId('train-stop').click().catch(() => undefined);
    const p95 = percentile(frames, 95);
    return {
      provider: used || provider,
      statusWhileRecording: status,
      seconds,
      frames: frames.length,
      stepsDuringRecording: stepsAfter - stepsBefore,
      p50FrameMs: Number(percentile(frames, 50).toFixed(2)),
      p95FrameMs: Number(p95.toFixed(2)),
      maxFrameMs: Number(Math.max(...frames).toFixed(2)),
      framesOver33Ms: frames.filter((f) => f > TARGET_P95_MS).length,
      targetP95Ms: TARGET_P95_MS,
      meetsTarget: p95 <= TARGET_P95_MS,
      // The worst of the turns of the first 5 s after Train, the shipped behaviour (wasm compiled while idle).
      ...(start ? { startLongestFrameMs: start.warmedWhileIdle.startLongestFrameMs, startP95FrameMs: start.warmedWhileIdle.startP95FrameMs, startAfterTrain: start } : {}),
      steadyInTurns: { rounds, secondsEach: seconds, panelOpen: summary(turns.open, turns.openSteps), panelClosed: summary(turns.closed, turns.closedSteps) },
      panelClosed: { frames: hidden.length, stepsDuringRecording: hiddenSteps, p50FrameMs: Number(percentile(hidden, 50).toFixed(2)), p95FrameMs: Number(percentile(hidden, 95).toFixed(2)) },
      idleBaseline: { frames: idle.length, p50FrameMs: Number(percentile(idle, 50).toFixed(2)), p95FrameMs: Number(percentile(idle, 95).toFixed(2)) },
    };
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const app = await serveBuiltApp();
  try {
    const runs = [];
    for (const provider of providers) runs.push(await measure(app.url, provider));
    // The machine's load says how much of a slow frame is other programs' doing.
    const loadAverage = loadavg().map((l) => Number(l.toFixed(2)));
    console.log(JSON.stringify({ benchmark: 'editor_train_frames', lesson: 'clip-contrastive', viewport: '1920x1080', cpus: cpus().length, loadAverage, runs }, null, 2));
  } finally {
    await app.close();
  }
}

await main();
