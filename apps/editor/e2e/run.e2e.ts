import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { GraphDoc } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '@modalflow/nodes';
import { CHROMIUM_ARGS, WEBGPU_ARGS, openEditor, type Session } from './browser.ts';

const baseUrl = inject('baseUrl');
let session: Session | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

type Page = Session['page'];

async function start() {
  session = await openEditor(baseUrl, { args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS] });
  return session.page;
}

const example = (path: string) => readFileSync(new URL(`../../../examples/${path}`, import.meta.url), 'utf8');

async function openGraph(page: Page, name: string, text: string) {
  await page.getByTestId('open-input').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe(JSON.parse(text).meta.title);
}

async function runToEnd(page: Page, timeout = 60_000) {
  await page.getByTestId('run-start').click();
  await page.locator('[data-testid=run-status]:is([data-status=done], [data-status=failed], [data-status=cancelled])').waitFor({ timeout });
  const status = await page.getByTestId('run-status').getAttribute('data-status');
  const problems = page.getByTestId('run-problems');
  expect(status, (await problems.count()) ? ((await problems.textContent()) ?? '') : '').toBe('done');
}

/** What the runtime itself reported for each ONNX stage, and which graph inputs each stage reads. */
function programInfo(page: Page) {
  return page.evaluate(() => {
    const runner = (window as unknown as { modalflow: { runner: { program: { providers: Record<string, { provider: string }>; plan: { stages: { id: string; kind: string; dependsOn: string[] }[] } } } } }).modalflow.runner;
    return { providers: runner.program.providers, stages: runner.program.plan.stages.map(({ id, kind, dependsOn }) => ({ id, kind, dependsOn })) };
  });
}

async function shownProviders(page: Page) {
  return Object.fromEntries(await page.locator('[data-testid^=stage-s]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid')!.slice('stage-'.length), e.getAttribute('data-provider')])));
}

/** A chain of wide linear layers over a big batch: compiles in a moment, runs for many seconds on wasm. */
function longGraph(): string {
  const layers = 8;
  const nodes: unknown[] = [{ id: 'x', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: '16384, 1024' }, ui: { x: 0, y: 0 } }];
  const edges: unknown[] = [];
  let prev = ['x', 'value'];
  for (let i = 1; i <= layers; i++) {
    nodes.push({ id: `l${i}`, type: 'layer.linear', typeVersion: 1, params: { out: 1024, bias: true }, ui: { x: 260 * i, y: 0 } });
    edges.push({ from: prev, to: [`l${i}`, 'x'] });
    prev = [`l${i}`, 'y'];
  }
  nodes.push({ id: 'y', type: 'output.tensor', typeVersion: 1, params: {}, ui: { x: 260 * (layers + 1), y: 0 } });
  edges.push({ from: prev, to: ['y', 'value'] });
  return JSON.stringify({ format: 'modalflow.graph', version: 1, meta: { title: 'Long run' }, seed: 1, nodes, edges });
}

/** A model in the layout of a Hugging Face ONNX export: onnx/encoder.onnx, its quantized variant, a tokenizer file. */
function modelFolder(): { dir: string; graph: string } {
  const tower = (seed: number): Uint8Array => {
    const doc: GraphDoc = {
      format: 'modalflow.graph', version: 1, meta: { title: 'encoder' }, seed,
      nodes: [
        { id: 'x', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: 'batch, 4' } },
        { id: 'proj', type: 'layer.linear', typeVersion: 1, params: { out: 3 } },
        { id: 'embeds', type: 'output.tensor', typeVersion: 1, params: {} },
      ],
      edges: [{ from: ['x', 'value'], to: ['proj', 'x'] }, { from: ['proj', 'y'], to: ['embeds', 'value'] }],
    };
    return Object.values(compileGraph(doc, createRegistry()).models)[0]!;
  };
  const dir = mkdtempSync(join(tmpdir(), 'modalflow-model-'));
  mkdirSync(join(dir, 'onnx'));
  writeFileSync(join(dir, 'onnx', 'encoder.onnx'), tower(5));
  writeFileSync(join(dir, 'onnx', 'encoder_quantized.onnx'), tower(6));
  writeFileSync(join(dir, 'tokenizer.json'), '{}');
  // The model's own names "x.value" and "proj.y" become the ports x_value and proj_y.
  const graph: GraphDoc = {
    format: 'modalflow.graph', version: 1, meta: { title: 'Imported encoder' }, seed: 1,
    nodes: [
      { id: 'features', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: 'batch, 4' }, ui: { x: 0, y: 0 } },
      { id: 'encoder', type: 'model.onnx', typeVersion: 1, params: { model: 'encoder' }, ui: { x: 300, y: 0 } },
      { id: 'embeds', type: 'output.tensor', typeVersion: 1, params: {}, ui: { x: 600, y: 0 } },
    ],
    edges: [{ from: ['features', 'value'], to: ['encoder', 'x_value'] }, { from: ['encoder', 'proj_y'], to: ['embeds', 'value'] }],
    assets: { encoder: { uri: 'onnx/encoder.onnx' } },
  };
  return { dir, graph: JSON.stringify(graph) };
}

describe('running graphs in the browser', () => {
  it('runs tiny ViLT: answers as bars, attention over the picture, cached image stages, wires inspected, nothing fetched from elsewhere', async () => {
    const page = await start();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.getByTestId('btn-examples').click();
    await page.getByTestId('example-tiny-vilt').click();
    await expect.poll(() => page.getByTestId('doc-title').textContent()).toBe(JSON.parse(example('vilt/tiny.json')).meta.title);
    await page.getByTestId('btn-run-panel').click();
    await page.getByTestId('run-provider').selectOption('wasm');

    // Swap the default picture for another sample (a sample replaces the picture). This ViLT resizes
    // the 192 × 128 picture to a 32-pixel shorter side, 48 × 32, so 16-pixel patches make a 2 × 3 grid.
    const image = page.getByTestId('input-image');
    await expect.poll(() => image.locator('.mf-image-field__chosen li').count()).toBe(1);
    await page.getByTestId('sample-image-green-squares').click();
    await expect.poll(() => image.locator('.mf-image-field__chosen li .mf-image-field__name').allTextContents()).toEqual(['Green squares']);
    await page.getByTestId('text-question').fill('what color are the squares?');
    await runToEnd(page);

    const answers = page.getByTestId('bars-answers');
    expect(await answers.getByTestId('bar').count()).toBe(5);
    expect(await page.getByTestId('bars-itm_head').locator('.mf-bar__label').allTextContents()).toEqual(expect.arrayContaining(['no match', 'match']));
    const overlay = page.getByTestId('attention-overlay');
    await expect.poll(() => overlay.getAttribute('data-drawn')).toBe('true');
    expect(await overlay.getAttribute('data-grid')).toBe('2x3');
    const lit = await overlay.evaluate((c: HTMLCanvasElement) => c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0));
    expect(lit).toBe(true);

    const { providers, stages } = await programInfo(page);
    const shown = await shownProviders(page);
    for (const s of stages.filter((st) => st.kind === 'onnx')) expect([s.id, shown[s.id]]).toEqual([s.id, providers[s.id]!.provider]);

    // Only the text changes: every stage that reads only the picture comes from the cache.
    await page.getByTestId('text-question').fill('is there a dog?');
    await runToEnd(page);
    const states = Object.fromEntries(await page.locator('[data-testid^=stage-s]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-testid')!.slice(6), e.getAttribute('data-state')])));
    const imageOnly = stages.filter((s) => s.dependsOn.join() === 'image');
    expect(imageOnly.length).toBeGreaterThan(0);
    for (const s of stages) expect([s.id, states[s.id]]).toEqual([s.id, s.dependsOn.join() === 'image' ? 'cached' : 'done']);
    expect(await page.getByTestId(`stage-provider-${imageOnly[0]!.id}`).textContent()).toBe('cache');

    // A wire inside a model: not kept by the last run, kept after one more.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('f');
    await page.getByTestId('edge-label-text_embed.tokens->concat.a').click();
    const inspector = page.getByTestId('edge-inspector');
    await inspector.getByTestId('edge-capture').click();
    await inspector.getByTestId('tensor-stats').waitFor({ timeout: 60_000 });
    expect(await inspector.getByTestId('tensor-summary').textContent()).toContain('float32 [1, 8, 32]');
    expect(Number(await inspector.getByTestId('stat-std').textContent())).toBeGreaterThan(0);
    expect(await inspector.getByTestId('histogram').locator('rect').count()).toBe(32);

    const elsewhere = requests.filter((u) => !u.startsWith(baseUrl) && !/^(data|blob):/.test(u));
    expect(elsewhere).toEqual([]);
    expect(requests.some((u) => u.endsWith('.wasm'))).toBe(true);
  });

  it('shows for each stage the provider the runtime reported, on WebGPU and on WASM', async () => {
    const page = await start();
    await openGraph(page, 'graph.json', example('late-fusion/graph.json'));
    await page.getByTestId('btn-run-panel').click();
    await expect.poll(() => page.getByTestId('provider-webgpu').getAttribute('data-available'), { timeout: 30_000 }).toBe('true');
    for (const [pref, provider] of [['auto', 'webgpu'], ['wasm', 'wasm']] as const) {
      await page.getByTestId('run-provider').selectOption(pref);
      await runToEnd(page);
      const { providers, stages } = await programInfo(page);
      const shown = await shownProviders(page);
      const onnx = stages.filter((s) => s.kind === 'onnx');
      expect(onnx.length).toBe(3);
      for (const s of onnx) {
        expect(providers[s.id]!.provider).toBe(provider);
        expect([s.id, shown[s.id]]).toEqual([s.id, provider]);
        expect(await page.getByTestId(`stage-provider-${s.id}`).getAttribute('title')).toContain(`Session runs on ${provider}`);
      }
    }
  });

  it('cancels a long run at once and stays usable', async () => {
    const page = await start();
    await openGraph(page, 'long.json', longGraph());
    await page.getByTestId('btn-run-panel').click();
    await page.getByTestId('run-provider').selectOption('wasm');
    await page.getByTestId('run-start').click();
    const running = page.locator('[data-testid^=stage-s][data-state=running]');
    await running.waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    const t0 = Date.now();
    await page.getByTestId('run-cancel').click();
    await page.locator('[data-testid=run-status][data-status=cancelled]').waitFor({ timeout: 5_000 });
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(await page.locator('[data-testid^=stage-s]').first().getAttribute('data-state')).toBe('cancelled');
    expect(await page.getByTestId('run-status').textContent()).toMatch(/Cancelled during the run/);
    expect(await page.getByTestId('run-start').isEnabled()).toBe(true);

    // The editor and the runtime both still work: edit, then run another graph.
    await openGraph(page, 'graph.json', example('late-fusion/graph.json'));
    await runToEnd(page);
    expect(await page.getByTestId('outputs-card').textContent()).toContain('probs');
  });

  it('binds a model folder to the graph’s assets and runs the model, in either precision', async () => {
    const page = await start();
    const { dir, graph } = modelFolder();
    try {
      await openGraph(page, 'imported.json', graph);
      const assets = page.getByTestId('asset-list');
      expect(await assets.textContent()).toContain('not loaded');
      await page.getByTestId('model-folder-input').setInputFiles(dir);
      await expect.poll(() => assets.textContent()).not.toContain('not loaded');
      expect(await page.getByTestId('model-variant').locator('option').allTextContents()).toEqual(['default', 'quantized']);

      await page.getByTestId('btn-run-panel').click();
      await page.getByTestId('run-provider').selectOption('wasm');
      await runToEnd(page);
      const output = page.getByTestId('output-embeds');
      expect(await output.textContent()).toContain('float32 [1, 3]');
      const full = await output.locator('.mf-outputs__values').textContent();

      await page.getByTestId('model-variant').selectOption('quantized');
      await page.getByTestId('toast').filter({ hasText: 'onnx/encoder_quantized.onnx' }).waitFor();
      await runToEnd(page);
      expect(await output.locator('.mf-outputs__values').textContent()).not.toBe(full);
      expect(await page.locator('[data-testid^=stage-s]').first().getAttribute('data-state')).toBe('done');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
