/**
 * Steps per second of every training lesson in Chromium, next to Node's. Each lesson is opened
 * from the gallery of the built editor and trained by the Train panel's worker (onnxruntime-web,
 * wasm; WebGPU where asked) with the batch size of the Node run; right after it, the same lesson
 * runs through `modalflow train` on onnxruntime-node (test/bench/lessons.ts, its 40 steps), so both
 * sides see the same machine load. The first step, which builds the step model, is left out on both sides.
 * Lessons that start from another graph's weights load the example's start.safetensors (weights
 * do not change a step's cost). Timings only.
 * Usage: npm run bench -- lessons_browser   (or: cd apps/editor && npx tsx bench/trainLessons.ts
 * [--lessons clip-contrastive,coop] [--steps 20] [--providers wasm,webgpu] [--webgpu-lessons clip-contrastive]
 * [--timeout 240])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { LESSONS, lessonsBench } from '../../../test/bench/lessons.ts';
import { median, percentile, round } from '../../../test/bench/stats.ts';
import { CHROMIUM, CHROMIUM_ARGS, WEBGPU_ARGS } from '../e2e/browser.ts';
import { serveBuiltApp } from '../e2e/serve.ts';

const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const STEPS = Number(flag('steps', '20'));
const TIMEOUT_S = Number(flag('timeout', '240'));
const only = list(flag('lessons', ''));
const providers = list(flag('providers', 'wasm,webgpu'));
// The software WebGPU adapter is slow: by default one lesson shows what it gives.
const webgpuLessons = list(flag('webgpu-lessons', 'clip-contrastive'));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The gallery's lesson id and, where the lesson starts from trained weights, the file it loads. */
const BROWSER: Record<string, { id: string; weights?: string }> = {
  'clip-contrastive': { id: 'clip-contrastive' },
  'vqa-fusion-concat': { id: 'vqa-concat' },
  'vqa-fusion-gated': { id: 'vqa-gated' },
  'vqa-fusion-tensor': { id: 'vqa-tensor' },
  'vqa-fusion-cross-attention': { id: 'vqa-cross-attention' },
  'pretrain-itc-itm-mlm': { id: 'pretrain' },
  'linear-probe': { id: 'linear-probe', weights: 'examples/linear-probe/start.safetensors' },
  coop: { id: 'coop', weights: 'examples/coop/start.safetensors' },
  distillation: { id: 'distillation', weights: 'examples/distillation/start.safetensors' },
  reinforce: { id: 'reinforce' },
};

interface TrainView {
  status: string;
  step: number;
  provider: string | null;
  rate: number[];
  problems: string | null;
}

const trainView = (page: Page) =>
  page.evaluate(() => {
    const t = (window as unknown as { modalflow: { editor: { getState(): { train: { status: string; step: number; provider: string | null; curves: { rate: number[] }; problems: { code: string; message: string }[] | null } } } } }).modalflow.editor.getState().train;
    return { status: t.status, step: t.step, provider: t.provider, rate: t.curves.rate, problems: t.problems?.map((p) => `${p.code}: ${p.message}`).join('; ') ?? null } as TrainView;
  });

async function browserLesson(page: Page, url: string, name: string, batch: number, provider: string) {
  const lesson = BROWSER[name]!;
  // A fresh page per lesson: nothing of the last run (its worker, its weights) is carried over.
  await page.goto(url);
  await page.getByTestId('canvas').waitFor();
  await page.getByTestId('btn-examples').click();
  await page.getByTestId(`lesson-${lesson.id}`).click();
  await page.getByTestId('train-panel').waitFor();
  if (lesson.weights) {
    await page.getByTestId('train-load-weights').setInputFiles(join(ROOT, lesson.weights));
    await page.locator('[data-testid=train-weights][data-origin=file]').waitFor({ timeout: 30_000 });
  }
  await page.getByTestId('train-provider').selectOption(provider);
  // Fewer generated pictures than the lesson's: the data is made before the first step and does not change a step's cost.
  if (await page.getByTestId('train-world-count').count()) await page.getByTestId('train-world-count').fill('512');
  await page.getByTestId('train-batch-size').fill(String(batch));
  // No warm-up: a short run must still be longer than it, and the learning rate does not change a step's cost.
  await page.getByTestId('train-warmup').fill('0');
  await page.getByTestId('train-steps').fill(String(STEPS));
  await page.getByTestId('train-eval-every').fill(String(STEPS));
  const t0 = performance.now();
  await page.getByTestId('train-start').click();
  let view: TrainView;
  const deadline = Date.now() + TIMEOUT_S * 1000;
  for (;;) {
    view = await trainView(page);
    if (['done', 'stopped', 'failed'].includes(view.status) || Date.now() > deadline) break;
    await page.waitForTimeout(500);
  }
  const wall = (performance.now() - t0) / 1000;
  if (view.status !== 'done') {
    await page.getByTestId('train-stop').click().catch(() => undefined);
    return { provider: view.provider ?? provider, error: view.status === 'failed' ? view.problems ?? 'failed' : `not done after ${TIMEOUT_S} s: ${view.step} of ${STEPS} steps (status ${view.status})`, page_wall_s: round(wall, 1) };
  }
  // The worker reports each step's time as examples per second; a step's milliseconds follow from the batch.
  const steady = view.rate.slice(1).filter(Number.isFinite).map((r) => (batch * 1000) / r);
  const med = median(steady);
  return {
    provider: view.provider,
    steps: view.step,
    steps_per_s: round(1000 / med, 2),
    examples_per_s: round((batch * 1000) / med, 1),
    step_ms: { median: round(med, 2), p90: round(percentile(steady, 90), 2) },
    page_wall_s: round(wall, 1),
  };
}

async function main() {
  const started = Date.now();
  const app = await serveBuiltApp();
  const dir = mkdtempSync(join(tmpdir(), 'modalflow-bench-lessons-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS], headless: true, viewport: { width: 1600, height: 1000 } });
  const lessons: Record<string, unknown> = {};
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // WebGPU exists only in a secure context: asked on the served app, not on about:blank.
    await page.goto(app.url);
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { vendor: string; architecture: string; device: string; description: string } } | null> } }).gpu;
      if (!gpu) return 'navigator.gpu is missing';
      const a = await gpu.requestAdapter().catch((e: Error) => e);
      if (!a) return 'no adapter';
      if (a instanceof Error) return `requestAdapter failed: ${a.message}`;
      return a.info ? [a.info.vendor, a.info.architecture, a.info.device, a.info.description].filter(Boolean).join(' / ') || 'adapter without info' : 'adapter';
    });
    for (const l of LESSONS) {
      if (only.length && !only.includes(l.name)) continue;
      if (!BROWSER[l.name]) continue;
      const row: Record<string, unknown> = { batch: l.batch, load_before: loadavg().map((x) => round(x, 2)) };
      for (const provider of providers) {
        if (provider === 'webgpu' && !webgpuLessons.includes(l.name)) continue;
        process.stderr.write(`bench: lesson ${l.name} in Chromium on ${provider}…\n`);
        row[`browser_${provider}`] = await browserLesson(page, app.url, l.name, l.batch, provider).catch((e: Error) => ({ error: e.message.split('\n')[0] }));
      }
      process.stderr.write(`bench: lesson ${l.name} in Node…\n`);
      // Node runs the same number of steps, in its own process, right after the browser's.
      process.env['MODALFLOW_BENCH_LESSON_STEPS'] = String(STEPS);
      row['node_cpu'] = lessonsBench([l.name])[l.name];
      const node = row['node_cpu'] as { steps_per_s?: number };
      const wasm = row['browser_wasm'] as { steps_per_s?: number } | undefined;
      if (node?.steps_per_s && wasm?.steps_per_s) row['node_over_wasm'] = round(node.steps_per_s / wasm.steps_per_s, 2);
      lessons[l.name] = row;
    }
    console.log(
      JSON.stringify(
        { benchmark: 'lessons_browser', date: new Date().toISOString(), cpus: cpus().length, steps: STEPS, webgpuAdapter: adapter, loadAverage: loadavg().map((x) => round(x, 2)), lessons, total_s: round((Date.now() - started) / 1000, 1) },
        null,
        2,
      ),
    );
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
    await app.close();
  }
}

await main();
