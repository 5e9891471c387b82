import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy, type Tensor } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';
import { compileFile, loadAssets, loadGraphFile } from '@modalflow/node-io';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const DRIVER = new URL('./export-pytorch.driver.py', import.meta.url).pathname;
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(path.join(tmpdir(), 'modalflow-pytorch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): Io & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', errIsTTY: false, cwd: dir, out: (t: string) => void (o.stdout += t), err: (t: string) => void (o.stderr += t) };
  return o;
}

/** Deterministic inputs of the shapes the plan declares (symbolic sizes 2 and 3). */
async function inputsFor(graphFile: string, names: string[]): Promise<Record<string, string>> {
  const graph = await loadGraphFile(graphFile, ROOT);
  const compiled = await compileFile(graph, createRegistry(), { assets: await loadAssets(graph, {}, ROOT) }, { cwd: ROOT }, { step: () => {}, time: async (_m, w) => w() });
  const files: Record<string, string> = {};
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (const spec of compiled.plan.inputs.filter((i) => names.includes(i.name))) {
    const dims = spec.shape.map((d, k) => (typeof d === 'number' ? d : k === 0 ? 2 : 3));
    const n = dims.reduce((a, b) => a * b, 1);
    // A mask [B, T] marks a prefix of each row, shorter for each later row, so sequences have lengths 3, 2, …
    const mask = /mask/.test(spec.name) && dims.length === 2;
    const t: Tensor =
      spec.dtype === 'int64' ? { dtype: 'int64', dims, data: BigInt64Array.from({ length: n }, (_, k) => BigInt(k % 2)) }
      : mask ? { dtype: spec.dtype, dims, data: Float32Array.from({ length: n }, (_, k) => (k % dims[1]! < dims[1]! - Math.floor(k / dims[1]!) ? 1 : 0)) }
      : { dtype: 'float32', dims, data: Float32Array.from({ length: n }, rand) };
    files[spec.name] = path.join(dir, `${path.basename(path.dirname(graphFile))}-${spec.name}.npy`);
    writeFileSync(files[spec.name]!, writeNpy(t));
  }
  return files;
}

async function modalflowRun(graph: string, inputs: Record<string, string>, weights: string): Promise<Record<string, number[]>> {
  const o = io();
  const args = ['run', graph, ...Object.entries(inputs).flatMap(([k, v]) => ['-i', `${k}=${v}`]), '--weights', weights, '--json', '-q', '--providers', 'cpu'];
  expect(await runCli(args, o), o.stderr).toBe(0);
  const outputs = JSON.parse(o.stdout).outputs as Record<string, { data: number[] }>;
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.data]));
}

const close = (got: number[], want: number[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(want[i]!)));
};

describe.skipIf(!hasTorch)(`modalflow export pytorch (needs ${PYTHON} with torch)`, () => {
  for (const example of ['late-fusion', 'gated-fusion', 'causal-intervention', 'tensor-fusion']) {
    it(`${example}: the module with the exported weights gives modalflow run's outputs, and trained weights go back`, async () => {
      const graph = `${ROOT}examples/${example}/tiny.json`;
      const weights = path.join(dir, `${example}.safetensors`);
      const model = path.join(dir, `${example}.py`);
      const o = io();
      expect(await runCli(['weights', 'export', graph, '-o', weights], o), o.stderr).toBe(0);
      expect(await runCli(['export', 'pytorch', graph, '-o', model], o), o.stderr).toBe(0);
      const names = JSON.parse(/INPUTS = (\[.*\])/.exec(readFileSync(model, 'utf8'))![1]!) as string[];
      const inputs = await inputsFor(graph, names);
      const inputsJson = path.join(dir, `${example}-inputs.json`);
      writeFileSync(inputsJson, JSON.stringify(inputs));
      const trained = path.join(dir, `${example}-trained.safetensors`);
      const py = JSON.parse(execFileSync(PYTHON, [DRIVER, model, weights, inputsJson, trained], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as {
        outputs: Record<string, number[]>;
        trained: Record<string, number[]>;
        grads: number;
      };
      expect(py.grads).toBeGreaterThan(0);
      const want = await modalflowRun(graph, inputs, weights);
      // Every output the ONNX stages make; those of host steps after them (label names) are the caller's.
      expect(Object.keys(py.outputs).length).toBeGreaterThan(0);
      for (const k of Object.keys(py.outputs)) expect(Object.keys(want)).toContain(k);
      for (const [k, v] of Object.entries(py.outputs)) close(v, want[k]!);
      // The trained state_dict, saved by the module, is what modalflow runs with --weights.
      const after = await modalflowRun(graph, inputs, trained);
      for (const [k, v] of Object.entries(py.trained)) close(v, after[k]!);
      expect(Object.entries(py.trained).some(([k, v]) => v.some((x, i) => Math.abs(x - py.outputs[k]![i]!) > 1e-6))).toBe(true);
    });
  }
});

it.skipIf(hasTorch)(`modalflow export pytorch: skipped, ${PYTHON} has no torch`, () => {});
