import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxGraph, decodeModel, encodeModel } from '@modalflow/onnx';
import { runCli } from '../cli.ts';
import type { Io } from '../io.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'modalflow-quantize-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io(): Io & { text: () => string; stdout: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), errIsTTY: false, cwd: ROOT, text: () => out + err, stdout: () => out };
}

describe('modalflow quantize', () => {
  const planDir = path.join(work, 'plan');

  it('writes an int8 variant of every model of a compiled plan, with an accuracy report', async () => {
    const c = io();
    expect(await runCli(['compile', 'examples/late-fusion/graph.json', '-o', planDir, '--granularity', 'whole'], c), c.text()).toBe(0);
    const q = io();
    const out = path.join(work, 'plan-int8');
    expect(await runCli(['quantize', planDir, '-o', out, '--samples', '3', '--dim', 'B=2', '--json'], q), q.text()).toBe(0);
    const report = JSON.parse(q.stdout()) as { models: { model: string; outputs: { output: string; relative: number; cosine: number }[]; bytes: { before: number; after: number } }[] };
    expect(report.models).toHaveLength(1);
    const m = report.models[0]!;
    expect(m.bytes.after).toBeLessThan(m.bytes.before);
    expect(m.outputs.length).toBeGreaterThan(0);
    for (const o of m.outputs) {
      // Seeded weights, per-tensor int8 activations: within a few percent of float32.
      expect(o.relative, o.output).toBeLessThan(0.1);
      expect(o.cosine, o.output).toBeGreaterThan(0.99);
    }
    const before = JSON.parse(readFileSync(path.join(planDir, 'plan.json'), 'utf8'));
    const after = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    expect(after.stages[0].model).toBe(before.stages[0].model);
    expect(after.stages[0].hash).not.toBe(before.stages[0].hash);
    expect(decodeModel(readFileSync(path.join(out, after.stages[0].model))).opTypes).toEqual(expect.arrayContaining(['DynamicQuantizeLinear', 'MatMulInteger']));
  }, 120_000);

  it('writes a float16 model whose inputs and outputs are float16', async () => {
    const plan = JSON.parse(readFileSync(path.join(planDir, 'plan.json'), 'utf8'));
    const model = path.join(planDir, plan.stages[0].model);
    const out = path.join(work, 'late-fusion-fp16.onnx');
    const q = io();
    expect(await runCli(['quantize', model, '-o', out, '--to', 'fp16', '--samples', '2', '--json'], q), q.text()).toBe(0);
    const info = decodeModel(readFileSync(out));
    expect(info.inputs.filter((v) => v.dtype === 'float32')).toEqual([]);
    expect(info.outputs.every((o) => o.dtype !== 'float32')).toBe(true);
    const report = JSON.parse(q.stdout());
    for (const o of report.models[0].outputs) expect(o.relative, o.output).toBeLessThan(1e-2);
  }, 60_000);

  it('says so when a model has no weights to quantise, and refuses bad options', async () => {
    const g = new OnnxGraph('gram');
    g.addInput('x', 'float32', [2, 3]);
    g.addOutput(g.op('MatMul', ['x', g.op('Transpose', ['x'])], {}, { outputName: 'y' }), 'float32', [2, 2]);
    const file = path.join(work, 'gram.onnx');
    writeFileSync(file, encodeModel(g));
    const q = io();
    expect(await runCli(['quantize', file, '-o', path.join(work, 'gram-int8.onnx')], q)).toBe(1);
    expect(q.text()).toMatch(/MF_QUANTIZE_NOTHING: .*no MatMul multiplies by a float32 weight/);
    const bad = io();
    expect(await runCli(['quantize', file, '-o', path.join(work, 'x.onnx'), '--samples', '0'], bad)).toBe(2);
  });
});
