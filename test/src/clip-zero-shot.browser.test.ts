import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGraph, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { openTestPage, type TestPage } from './browser-page.ts';
import { ROOT, registry } from './fixtures.ts';
import { buildClipFolder, folderAssets, testImage, type ClipFolder } from './fixtures-clip-folder.ts';

/**
 * examples/clip-zero-shot in Chromium through @modalflow/runtime-web, against the same graph
 * on onnxruntime-node. The page is an app built by Vite with its defaults, as the editor
 * would be, that fetches the model folder over HTTP like a user's folder picked in the
 * browser. The page only exists for this test, so its source is here rather than a file.
 */

const GRAPH = readFileSync(`${ROOT}examples/clip-zero-shot/graph.json`, 'utf8');
const LABELS = 'a cat, a dog, a car, a bird';
const IMAGES = [testImage(120, 160, 21), testImage(150, 100, 22)];

interface PageRun {
  outputs: Record<string, { dims: number[]; data: (number | string)[] }>;
  stages: { stage: string; cached: boolean; provider: string }[];
}
interface PageResult {
  runs: PageRun[];
  providers: Record<string, { provider: string }>;
}

const PAGE_MAIN = `
import { compileGraph } from '@modalflow/compiler';
import { parseGraph } from '@modalflow/core';
import { createEngine, HostSteps } from '@modalflow/engine';
import { createRegistry } from '@modalflow/nodes';
import { createInlineWebRuntime, createWebRuntime } from '@modalflow/runtime-web';

const registry = createRegistry();
const hostSteps = HostSteps.fromRegistry(registry);

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
  return new Uint8Array(await r.arrayBuffer());
}

globalThis.zeroShot = async ({ graph, files, images, labels, provider, where }) => {
  const folder = {};
  for (const f of files) folder[f] = await fetchBytes('./folder/' + f);
  const doc = parseGraph(graph);
  const asset = (name) => {
    const uri = doc.assets?.[name]?.uri;
    return uri && folder[uri] ? { name, uri, bytes: folder[uri] } : undefined;
  };
  const options = { providers: [provider] };
  const rt = where === 'worker' ? createWebRuntime(options) : createInlineWebRuntime(options);
  try {
    const program = await createEngine(rt, { hostSteps }).load(compileGraph(doc, registry, { asset }), options);
    const runs = [];
    for (const img of images) {
      const r = await program.run({
        image: { dtype: 'uint8', dims: img.dims, data: Uint8Array.from(img.data) },
        labels: { dtype: 'string', dims: [1], data: [labels] },
      });
      const outputs = {};
      for (const [k, t] of Object.entries(r.outputs)) outputs[k] = { dims: t.dims, data: Array.from(t.data) };
      runs.push({ outputs, stages: r.stages.map((s) => ({ stage: s.stage, cached: s.cached, provider: s.provider })) });
    }
    const providers = program.providers;
    await program.release();
    return { runs, providers };
  } finally {
    await rt.close();
  }
};
document.title = 'ready';
`;

const PAGE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>zero-shot</title><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>';

// The page's source lives outside the repository, so the workspace packages are named by path.
const ALIASES = {
  '@modalflow/compiler': `${ROOT}packages/compiler/src/index.ts`,
  '@modalflow/core': `${ROOT}packages/core/src/index.ts`,
  '@modalflow/engine': `${ROOT}packages/engine/src/index.ts`,
  '@modalflow/nodes': `${ROOT}nodes/index.ts`,
  '@modalflow/runtime-web': `${ROOT}packages/runtime-web/src/index.ts`,
};

let folder: ClipFolder;
let work: string;
let opened: TestPage | undefined;
let page: Page;
let logs: string[] = [];
let node: { outputs: Record<string, Tensor>; stages: { stage: string; cached: boolean }[] }[];

async function runInNode(): Promise<typeof node> {
  const doc = parseGraph(GRAPH);
  const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
  const program = await engine.load(compileGraph(doc, registry, { asset: folderAssets(doc, folder) }));
  try {
    const out = [];
    for (const image of IMAGES) out.push(await program.run({ image, labels: { dtype: 'string', dims: [1], data: [LABELS] } }));
    return out;
  } finally {
    await program.release();
  }
}

beforeAll(async () => {
  folder = buildClipFolder();
  node = await runInNode();
  work = mkdtempSync(path.join(tmpdir(), 'modalflow-zero-shot-web-'));
  const src = path.join(work, 'src');
  mkdirSync(src);
  writeFileSync(path.join(src, 'index.html'), PAGE_HTML);
  writeFileSync(path.join(src, 'main.js'), PAGE_MAIN);
  opened = await openTestPage(src, { alias: ALIASES, prepare: (dist) => cpSync(folder.dir, path.join(dist, 'folder'), { recursive: true }) });
  ({ page, logs } = opened);
}, 180_000);

afterAll(async () => {
  await opened?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  folder?.remove();
});

function runInPage(provider: 'wasm' | 'webgpu', where: 'worker' | 'inline'): Promise<PageResult> {
  const request = {
    graph: GRAPH,
    files: Object.keys(folder.files),
    images: IMAGES.map((t) => ({ dims: t.dims, data: Array.from(t.data as Uint8Array) })),
    labels: LABELS,
    provider,
    where,
  };
  return page
    .evaluate((req) => (globalThis as unknown as { zeroShot: (r: typeof req) => Promise<PageResult> }).zeroShot(req), request)
    .catch((e: Error) => {
      throw new Error(`${e.message}\n${logs.join('\n')}`);
    });
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
};

describe('examples/clip-zero-shot in Chromium through runtime-web', () => {
  const cases = [
    { provider: 'wasm', where: 'worker' },
    { provider: 'wasm', where: 'inline' },
    { provider: 'webgpu', where: 'worker' },
  ] as const;
  for (const { provider, where } of cases) {
    it(`on ${provider} (${where}) gives Node's probabilities within 1e-4, the same ranking, and reuses the label embeddings`, async () => {
      const web = await runInPage(provider, where);
      for (const stage of Object.values(web.providers)) expect(stage.provider).toBe(provider);
      web.runs.forEach((run, k) => {
        const ref = node[k]!;
        expect(run.outputs['probs']!.dims).toEqual([1, 4]);
        expect(maxAbsDiff(run.outputs['probs']!.data as number[], ref.outputs['probs']!.data as Float32Array), `image ${k}`).toBeLessThan(1e-4);
        expect(run.outputs['top_labels']!.data).toEqual(ref.outputs['top_labels']!.data);
        expect(run.stages.map((s) => [s.stage, s.cached])).toEqual(ref.stages.map((s) => [s.stage, s.cached]));
      });
      const cached = web.runs[1]!.stages.filter((s) => s.cached).map((s) => s.stage.replace(/^s\d+-/, ''));
      expect(cached).toEqual(['split', 'tokenize', 'text_model']);
    });
  }
});
