/**
 * How far a trained PyTorch export and `modalflow run --weights` with its state_dict can agree:
 * ViLT (tiny) after one SGD step on the mean square of every output, unscaled at lr 0.01 (the loss
 * output's square blows the weights up) and scaled by each output's size at lr 1 (the export
 * test's step). For each output: the largest difference between onnxruntime and PyTorch in
 * float32, and between PyTorch in float32 and in float64 (what float32 itself can promise), and
 * the trained tensors whose compiled initializer differs from the file (none expected).
 * Needs /usr/bin/python3 with torch; prints {"skipped": why} without it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeNpy, type Tensor } from '@modalflow/core';
import { readModel, readSafetensors, type OnnxGraph } from '@modalflow/onnx';
import { createRegistry } from '@modalflow/nodes';
import { compileFile, loadAssets, loadGraphFile, openGraph } from '@modalflow/node-io';
import { runCli } from '../src/cli.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const GRAPH = `${ROOT}examples/vilt/tiny.json`;
if (spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status !== 0) {
  console.log(JSON.stringify({ skipped: `${PYTHON} has no torch` }));
  process.exit(0);
}
const dir = mkdtempSync(path.join(tmpdir(), 'modalflow-pytorch-step-'));
const io = { errIsTTY: false, cwd: dir, out: () => {}, err: (t: string) => void process.stderr.write(t) };
const progress = { step: () => {}, time: async <T>(_m: string, w: () => Promise<T> | T) => w() };
const compileWith = async (weights?: string) => {
  const loaded = await loadGraphFile(GRAPH, ROOT);
  return compileFile(loaded, createRegistry(), { assets: await loadAssets(loaded, {}, ROOT), ...(weights ? { weights } : {}) }, { cwd: ROOT }, progress);
};
const numbers = (t: Tensor) => Array.from(t.data as ArrayLike<number | bigint>, Number);

try {
  const weights = path.join(dir, 'vilt.safetensors');
  const model = path.join(dir, 'vilt.py');
  if ((await runCli(['weights', 'export', GRAPH, '-o', weights], io)) !== 0) throw new Error('weights export failed');
  if ((await runCli(['export', 'pytorch', GRAPH, '-o', model, '--feeds-for', 'image=2x40x48x3'], io)) !== 0) throw new Error('export failed');
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const given: Record<string, Tensor> = {
    question: { dtype: 'string', dims: [2], data: ['what color is the cat?', 'how many dogs are there?'] },
    image: { dtype: 'uint8', dims: [2, 40, 48, 3], data: Uint8Array.from({ length: 2 * 40 * 48 * 3 }, () => Math.floor(rand() * 256)) },
    vqa_targets: { dtype: 'float32', dims: [2, 3129], data: Float32Array.from({ length: 2 * 3129 }, (_, k) => (k % 97 === 0 ? 1 : 0)) },
    match_mask: { dtype: 'int64', dims: [2], data: BigInt64Array.from([1n, 0n]) },
  };
  const names = JSON.parse(/INPUTS = (\[.*\])/.exec(readFileSync(model, 'utf8'))![1]!) as string[];
  const feeds = readSafetensors(readFileSync(model.replace(/\.py$/, '.feeds.safetensors'))).tensors;
  const run = async (w: string, taps: string[] = []) => {
    const runner = await openGraph({ cwd: ROOT }, GRAPH, { weights: w, taps, providers: 'cpu' });
    try {
      return await runner.program.run(given, { taps });
    } finally {
      await runner.release();
    }
  };
  const first = await run(weights, names.filter((n) => !(n in given) && !feeds.has(n)));
  const inputs: Record<string, string> = {};
  for (const name of names) {
    inputs[name] = path.join(dir, `arg-${name.replace(/[^A-Za-z0-9_.]/g, '_')}.npy`);
    writeFileSync(inputs[name]!, writeNpy(given[name] ?? feeds.get(name) ?? first.taps[name]!));
  }
  const result: Record<string, unknown> = { example: 'vilt' };
  for (const [key, lr, scaled] of [['unscaled_lr_0.01', 0.01, false], ['scaled_lr_1', 1, true]] as const) {
    const trained = path.join(dir, `${key}.safetensors`);
    const jobFile = path.join(dir, `${key}.json`);
    writeFileSync(jobFile, JSON.stringify({ model, weights, inputs, trained, lr, scaled }));
    const py = JSON.parse(execFileSync(PYTHON, [new URL('./pytorch-step.py', import.meta.url).pathname, jobFile], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as Record<'float32' | 'float64', Record<string, number[]>>;
    const after = await run(trained);
    const tensors = readSafetensors(readFileSync(trained)).tensors;
    const differing: string[] = [];
    for (const [file, bytes] of Object.entries((await compileWith(trained)).models)) {
      const { graph } = readModel(bytes, { file }) as { graph: OnnxGraph };
      for (const [name, t] of graph.initializers) {
        const w = tensors.get(name);
        if (w && (w.dims.join('x') !== t.dims.join('x') || numbers(w).some((v, i) => v !== Number((t.data as Float32Array)[i])))) differing.push(name);
      }
    }
    const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    result[key] = {
      weights_differing: differing,
      outputs: Object.fromEntries(Object.entries(py.float32).map(([k, v]) => {
        const ort = numbers(after.outputs[k]!);
        return [k, { largest: Math.max(...v.map(Math.abs)), onnxruntime_vs_torch32: maxDiff(ort, v), torch32_vs_torch64: maxDiff(v, py.float64[k]!), onnxruntime_vs_torch64: maxDiff(ort, py.float64[k]!) }];
      })),
    };
  }
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
