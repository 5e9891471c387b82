import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpy, type Tensor } from '@modalflow/core';
import type { CompiledPlan, GenerateStage, Plan } from '@modalflow/compiler';
import * as ort from 'onnxruntime-node';
import { readModel, readSafetensors, writeSafetensors, type OnnxGraph } from '@modalflow/onnx';
import { createRegistry } from '@modalflow/nodes';
import { compileFile, loadAssets, loadGraphFile, openGraph } from '@modalflow/node-io';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const DRIVER = new URL('./export-pytorch.driver.py', import.meta.url).pathname;
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(path.join(tmpdir(), 'modalflow-pytorch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const registry = createRegistry();

/** Every tiny example. */
const EXAMPLES = readdirSync(`${ROOT}examples`)
  .filter((e) => spawnSync('test', ['-f', `${ROOT}examples/${e}/tiny.json`]).status === 0)
  .sort();

function io(): Io & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', errIsTTY: false, cwd: dir, out: (t: string) => void (o.stdout += t), err: (t: string) => void (o.stderr += t) };
  return o;
}

/**
 * Deterministic inputs of the shapes the plan declares: batch 2, other symbolic sizes 3, and
 * videos of two clips, pictures of 40 x 48 (larger than the tiny examples' crops, so they are resampled).
 */
function inputsFor(plan: Plan): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (const spec of plan.inputs) {
    // A video's first axis is clips x frames.
    const first = spec.kind === 'video' ? 2 * (spec.media?.frames ?? 8) : 2;
    const dims = spec.shape.map((d, k) => (typeof d === 'number' ? d : k === 0 ? first : d.startsWith('H') ? 40 : d.startsWith('W') ? 48 : 3));
    const n = dims.reduce((a, b) => a * b, 1);
    // A mask [B, T] marks a prefix of each row, shorter for each later row, so sequences have lengths 3, 2, …
    const mask = /mask/.test(spec.name) && dims.length === 2;
    out[spec.name] =
      spec.dtype === 'string' ? { dtype: 'string', dims, data: Array.from({ length: n }, (_, k) => ['a cat on a mat', 'two dogs play in the snow'][k % 2]!) }
      : spec.dtype === 'int64' ? { dtype: 'int64', dims, data: BigInt64Array.from({ length: n }, (_, k) => BigInt(k % 2)) }
      : spec.dtype === 'uint8' ? { dtype: 'uint8', dims, data: Uint8Array.from({ length: n }, () => Math.floor(rand() * 256)) }
      : mask ? { dtype: spec.dtype, dims, data: Float32Array.from({ length: n }, (_, k) => (k % dims[1]! < dims[1]! - Math.floor(k / dims[1]!) ? 1 : 0)) }
      : { dtype: 'float32', dims, data: Float32Array.from({ length: n }, () => rand() * 2 - 1) };
  }
  return out;
}

interface Prepared {
  graph: string;
  weights: string;
  trained: string;
  given: Record<string, Tensor>;
  /** What forward() returns by name, as the engine computed it: outputs, and the loop's inputs (taps). */
  want: Record<string, number[]>;
  /** A decoding loop: what the engine's step model gives for the inputs step() was given. */
  step?: Record<string, number[]>;
  /** A decoding loop: the step model of a compiled plan on those inputs (for the trained weights). */
  runStep?: (compiled: CompiledPlan) => Promise<Record<string, number[]>>;
  /** Tensors read for the names forward() returns that are not graph outputs (the loop's inputs). */
  loopTaps: Record<string, string>;
  /** The compiler's float constants with the exported (seeded) weights. */
  constants: Map<string, number[]>;
}

const numbers = (t: Tensor) => Array.from(t.data as ArrayLike<number | bigint>, Number);

/**
 * What `modalflow run` computes, through the same facade (openGraph: compile, sessions, engine),
 * given tensors rather than files so audio and video inputs need no encoded media.
 */
async function modalflowRun(graph: string, given: Record<string, Tensor>, weights: string, taps: string[] = []): Promise<{ outputs: Record<string, Tensor>; taps: Record<string, Tensor> }> {
  const runner = await openGraph({ cwd: ROOT }, graph, { weights, taps, providers: 'cpu' });
  try {
    const result = await runner.program.run(given, { taps });
    return { outputs: result.outputs, taps: result.taps };
  } finally {
    await runner.release();
  }
}

const progress = { step: () => {}, time: async <T>(_m: string, w: () => Promise<T> | T) => w() };
const compileWith = async (graph: string, weights?: string) => {
  const loaded = await loadGraphFile(graph, ROOT);
  return compileFile(loaded, registry, { assets: await loadAssets(loaded, {}, ROOT), ...(weights ? { weights } : {}) }, { cwd: ROOT }, progress);
};

/** The compiler's own float constants (named with a "/"), which the module holds as fixed buffers. */
function constantsOf(compiled: CompiledPlan): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [model, bytes] of Object.entries(compiled.models)) {
    const { graph } = readModel(bytes, { file: model }) as { graph: OnnxGraph };
    for (const [name, t] of graph.initializers) if (name.includes('/') && t.dtype.startsWith('float')) out.set(`${model}: ${name}`, numbers(t));
  }
  return out;
}

/**
 * Where every weight of a file lands in the compiled models: each tensor of the file must be
 * some model's initializer of the same name, bit for bit, and each initializer named like a
 * weight must be a tensor of the file. Names that differ are returned, so a weight the module
 * trains under one name while ModalFlow reads another, or reshapes, casts or ties on the way,
 * shows; so does a constant the compiler derives from weights (it would not train in PyTorch),
 * as one that differs from the constants compiled with the untrained weights (`before`).
 */
function misplaced(compiled: CompiledPlan, file: string, before: Map<string, number[]>): string[] {
  const tensors = readSafetensors(readFileSync(file)).tensors;
  const placed = new Set<string>();
  const wrong: string[] = [];
  for (const [model, bytes] of Object.entries(compiled.models)) {
    const { graph } = readModel(bytes, { file: model }) as { graph: OnnxGraph };
    for (const [name, t] of graph.initializers) {
      // The compiler's own constants carry a "/"; the exporter makes parameters of the rest.
      if (name.includes('/') || !['float32', 'float16', 'float64'].includes(t.dtype)) continue;
      const w = tensors.get(name);
      if (!w) wrong.push(`${model}: ${name} is not in the file`);
      else if (w.dtype !== t.dtype || w.dims.join('x') !== t.dims.join('x') || !numbers(w).every((v, i) => Object.is(v, Number((t.data as Float32Array)[i])))) wrong.push(`${model}: ${name} differs from the file`);
      else placed.add(name);
    }
  }
  for (const name of tensors.keys()) if (!placed.has(name)) wrong.push(`${name}: in the file, in no model`);
  for (const [key, values] of constantsOf(compiled)) {
    const was = before.get(key);
    if (!was || values.some((v, i) => !Object.is(v, was[i]))) wrong.push(`${key}: a constant that changed with the weights`);
  }
  return wrong;
}

/**
 * Exports the weights and the module, runs the graph in ModalFlow, and writes what forward()
 * takes: the graph inputs, the host steps' results (taken from the run as taps) and the
 * host-computed feeds (written by `--feeds-for` for the input shapes).
 */
async function prepare(example: string): Promise<{ prepared: Prepared; job: object }> {
  const graph = `${ROOT}examples/${example}/tiny.json`;
  const weights = path.join(dir, `${example}.safetensors`);
  const model = path.join(dir, `${example}.py`);
  const o = io();
  expect(await runCli(['weights', 'export', graph, '-o', weights], o), o.stderr).toBe(0);
  const loaded = await loadGraphFile(graph, ROOT);
  const compiled = await compileFile(loaded, registry, { assets: await loadAssets(loaded, {}, ROOT) }, { cwd: ROOT }, { step: () => {}, time: async (_m, w) => w() });
  const { plan } = compiled;
  const given = inputsFor(plan);
  // Resampling matrices come from the command, for the shapes of the pictures given.
  const feedsFor = [...new Set((plan.feeds ?? []).flatMap((f) => Object.values(f.inputs)))].map((t) => plan.inputs.find((i) => i.tensor === t)!.name);
  expect(await runCli(['export', 'pytorch', graph, '-o', model, ...feedsFor.flatMap((n) => ['--feeds-for', `${n}=${given[n]!.dims.join('x')}`])], o), o.stderr).toBe(0);
  const names = JSON.parse(/INPUTS = (\[.*\])/.exec(readFileSync(model, 'utf8'))![1]!) as string[];
  const feeds = new Map(feedsFor.length ? [...readSafetensors(readFileSync(model.replace(/\.py$/, '.feeds.safetensors'))).tensors] : []);
  expect([...feeds.keys()].sort()).toEqual(names.filter((n) => n.includes('.#')).sort());
  const loop = plan.stages.find((st): st is GenerateStage => st.kind === 'generate');
  const loopTaps = Object.fromEntries((loop?.inputs ?? []).map((b) => [b.name, b.tensor]));
  const taps = [...new Set([...names.filter((n) => !(n in given) && !feeds.has(n)), ...Object.values(loopTaps)])];
  const run = await modalflowRun(graph, given, weights, taps);
  const inputs: Record<string, string> = {};
  for (const name of names) {
    const file = path.join(dir, `${example}-arg-${name.replace(/[^A-Za-z0-9_.]/g, '_')}.npy`);
    writeFileSync(file, writeNpy(given[name] ?? feeds.get(name) ?? run.taps[name]!));
    inputs[name] = file;
  }
  const want = Object.fromEntries(Object.entries(run.outputs).filter(([, v]) => v.dtype !== 'string').map(([k, v]) => [k, numbers(v)]));
  for (const [name, tensor] of Object.entries(loopTaps)) want[name] = numbers(run.taps[tensor]!);
  const trained = path.join(dir, `${example}-trained.safetensors`);
  const job = { model, weights, inputs, trained } as Record<string, unknown>;
  let step: Record<string, number[]> | undefined;
  let runStep: Prepared['runStep'];
  if (loop) {
    // The step model on two rows of three tokens over an empty cache, beside the engine's encoder states.
    const memory = run.taps[loopTaps['encoder_hidden_states']!]!;
    const rows = memory.dims[0]!;
    const stepFeeds: Record<string, Tensor> = { [loop.names.ids]: { dtype: 'int64', dims: [rows, 3], data: BigInt64Array.from({ length: rows * 3 }, (_, k) => BigInt(2 + ((k * 5) % 7))) } };
    if (loop.names.memory) stepFeeds[loop.names.memory] = memory;
    for (const c of loop.cache) stepFeeds[c.past] = { dtype: 'float32', dims: [rows, c.heads, 0, c.headDim], data: new Float32Array(0) };
    const toOrt = (feeds: Record<string, Tensor>) => Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, [...t.dims])]));
    if (loop.cross) stepFeeds['encoder_hidden_states'] = memory;
    runStep = async (c: CompiledPlan) => {
      const ortFeeds = toOrt(Object.fromEntries(Object.entries(stepFeeds).filter(([n]) => !loop.cross || n !== 'encoder_hidden_states')));
      if (loop.cross) {
        // The step reads cross-attention keys and values from the cross model; the driver calls cross() on the same states.
        const crossSession = await ort.InferenceSession.create(c.models[loop.cross.model]!);
        Object.assign(ortFeeds, await crossSession.run(toOrt({ encoder_hidden_states: memory })));
        await crossSession.release();
      }
      const session = await ort.InferenceSession.create(c.models[loop.model]!);
      const got = await session.run(ortFeeds);
      await session.release();
      return Object.fromEntries(Object.entries(got).map(([n, t]) => [n, Array.from(t.data as Float32Array, Number)]));
    };
    step = await runStep(compiled);
    job['step'] = Object.fromEntries(Object.entries(stepFeeds).map(([n, t]) => {
      const file = path.join(dir, `${example}-step-${n.replace(/[^A-Za-z0-9_.]/g, '_')}.npy`);
      writeFileSync(file, writeNpy(t));
      return [n, file];
    }));
  }
  return { prepared: { graph, weights, trained, given, want, loopTaps, constants: constantsOf(compiled), ...(step ? { step, runStep } : {}) }, job };
}

const close = (got: number[], want: number[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(want[i]!)));
};

describe.skipIf(!hasTorch)(`modalflow export pytorch (needs ${PYTHON} with torch)`, () => {
  const prepared = new Map<string, Prepared>();
  const results = new Map<
    string,
    { outputs: Record<string, number[]>; step: Record<string, number[]> | null; trained: Record<string, number[]>; trained_step: Record<string, number[]> | null; grads: number; moved: string[] }
  >();
  beforeAll(async () => {
    const jobs: object[] = [];
    for (const example of EXAMPLES) {
      const p = await prepare(example);
      prepared.set(example, p.prepared);
      jobs.push(p.job);
    }
    const jobsFile = path.join(dir, 'jobs.json');
    writeFileSync(jobsFile, JSON.stringify(jobs));
    // One Python process for every example: importing torch is most of a short run.
    const out = JSON.parse(execFileSync(PYTHON, [DRIVER, jobsFile], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 })) as (typeof results extends Map<string, infer R> ? R : never)[];
    EXAMPLES.forEach((e, k) => results.set(e, out[k]!));
  }, 240_000);

  it('covers every tiny example', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(15);
    for (const e of ['clip', 'albef', 'vilbert', 'vilt', 'lxmert', 'uniter', 'audio-text', 'video-text', 'image-captioning']) expect(EXAMPLES).toContain(e);
  });

  for (const example of EXAMPLES) {
    it(`${example}: the module with the exported weights gives modalflow run's outputs, and trained weights go back`, async () => {
      const p = prepared.get(example)!;
      const py = results.get(example)!;
      expect(py.grads).toBeGreaterThan(0);
      // Every output the ONNX stages make; those of host steps after them (label names) are the caller's.
      expect(Object.keys(py.outputs).length).toBeGreaterThan(0);
      for (const k of Object.keys(py.outputs)) expect(Object.keys(p.want)).toContain(k);
      for (const [k, v] of Object.entries(py.outputs)) close(v, p.want[k]!);
      // The decoding loop's step model: logits and every layer's cache, as onnxruntime gives them.
      if (p.step) {
        expect(Object.keys(py.step!).sort()).toEqual(Object.keys(p.step).sort());
        for (const [k, v] of Object.entries(p.step)) close(py.step![k]!, v);
      } else expect(py.step).toBeNull();
      // The trained state_dict, saved by the module, is what modalflow runs with --weights: every
      // tensor lands, unchanged, where ModalFlow reads it, and every weight the module has moved.
      expect(misplaced(await compileWith(p.graph, p.trained), p.trained, p.constants)).toEqual([]);
      expect(py.moved.length).toBeGreaterThan(0);
      const after = await modalflowRun(p.graph, p.given, p.trained, Object.values(p.loopTaps));
      for (const [k, v] of Object.entries(py.trained)) close(v, numbers(k in p.loopTaps ? after.taps[p.loopTaps[k]!]! : after.outputs[k]!));
      expect(Object.entries(py.trained).some(([k, v]) => v.some((x, i) => Math.abs(x - py.outputs[k]![i]!) > 1e-3))).toBe(true);
      // The decoder trained too: the engine's step model with the trained weights gives step()'s.
      if (p.runStep) {
        const trainedStep = await p.runStep(await compileWith(p.graph, p.trained));
        for (const [k, v] of Object.entries(trainedStep)) close(py.trained_step![k]!, v);
        expect(Object.entries(trainedStep).some(([k, v]) => v.some((x, i) => Math.abs(x - p.step![k]![i]!) > 1e-3))).toBe(true);
      }
    });
  }
});

it.skipIf(hasTorch)(`modalflow export pytorch: skipped, ${PYTHON} has no torch`, () => {});

describe('a state_dict ModalFlow cannot place', () => {
  it('is refused weight by weight, never run with seeded values in its place', async () => {
    const graph = `${ROOT}examples/vilt/tiny.json`;
    const exported = path.join(dir, 'vilt-place.safetensors');
    const o = io();
    expect(await runCli(['weights', 'export', graph, '-o', exported], o), o.stderr).toBe(0);
    const tensors = new Map(readSafetensors(readFileSync(exported)).tensors);
    // What a module that renamed, transposed, half-rounded or added a parameter would save.
    tensors.delete('concat.token_type_embeddings.weight');
    const w = tensors.get('vqa_head.0.weight')!;
    tensors.set('vqa_head.0.weight', { ...w, dims: [...w.dims].reverse() });
    const b = tensors.get('vqa_head.0.bias')!;
    tensors.set('vqa_head.0.bias', { dtype: 'float16', dims: b.dims, data: new Uint16Array(b.dims[0]!) } as unknown as Tensor);
    tensors.set('concat.type_embeddings.weight', tensors.get('text_embed.token_type_embeddings.weight')!);
    const bad = path.join(dir, 'vilt-bad.safetensors');
    writeFileSync(bad, writeSafetensors(tensors));
    const r = io();
    expect(await runCli(['compile', graph, '-o', path.join(dir, 'vilt-bad'), '--weights', bad], r)).toBe(1);
    expect(r.stderr).toMatch(/MF_WEIGHT_MISSING: weight "concat\.token_type_embeddings\.weight" \[2, 32\] is not in the weights file/);
    expect(r.stderr).toMatch(/MF_WEIGHT_SHAPE: weight "vqa_head\.0\.weight" has shape \[32, 64\], expected \[64, 32\]/);
    expect(r.stderr).toMatch(/MF_WEIGHT_DTYPE: weight "vqa_head\.0\.bias" is float16, expected float32/);
    expect(r.stderr).toMatch(/MF_WEIGHT_EXTRA: the weights file has "concat\.type_embeddings\.weight", which no node declares/);
  });
});

describe('modalflow export pytorch --feeds-for', () => {
  it('refuses a shape for no input, of the wrong rank, or a graph without feeds, as usage errors', async () => {
    const clip = `${ROOT}examples/clip/tiny.json`;
    const cases: [string, string[], RegExp][] = [
      [clip, ['--feeds-for', 'picture=1x40x48x3'], /--feeds-for "picture=1x40x48x3".*\(image, text\)/],
      [clip, ['--feeds-for', 'image=40x48'], /input "image" has 4 axes/],
      [clip, ['--feeds-for', 'text=2'], /node "preprocess" computes its feeds from input "image"/],
      [`${ROOT}examples/late-fusion/tiny.json`, ['--feeds-for', 'text=2x16'], /has no host-computed feeds/],
    ];
    for (const [graph, extra, message] of cases) {
      const o = io();
      expect(await runCli(['export', 'pytorch', graph, '-o', path.join(dir, 'bad.py'), ...extra], o)).toBe(2);
      expect(o.stderr).toMatch(message);
    }
  });
});
