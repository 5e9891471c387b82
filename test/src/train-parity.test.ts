/**
 * Training parity with PyTorch: ModalFlow's TrainProgram (onnxruntime, cpu) takes 20 steps on
 * the batches in test/parity/fixtures, with the SGD and AdamW configurations the fixtures were
 * made with, and must match torch 1.13's losses, learning rates, gradient norms and weights:
 * within 1e-5 relative after one step, 1e-4 after twenty; and the gradients at the initial
 * weights must match PyTorch's float64 ones within 1e-5. test/parity/README.md says how the
 * fixtures are made. A mismatch points at the optimiser, the schedule, clipping or a gradient rule.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGraph, type Tensor } from '@modalflow/core';
import { lossGraph, OPSET, prepareTraining, type TrainConfig } from '@modalflow/compiler';
import { addGradients, inferTypes } from '@modalflow/autodiff';
import { createEngine } from '@modalflow/engine';
import { encodeModel, readSafetensors } from '@modalflow/onnx';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from './fixtures.ts';

const TOL_FIRST = 1e-5;
const TOL_LAST = 1e-4;
/** Absolute floor of the comparison, for values that are (nearly) zero in both runs. */
const FLOOR = 1e-7;

/** Flat indices the fixture keeps of a tensor of n values (sample_index in make_training_fixtures.py). */
function sampleIndex(n: number, cap: number): number[] {
  if (n <= cap) return Array.from({ length: n }, (_, k) => k);
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  let s = Math.ceil(n / cap);
  while (gcd(s, n) !== 1) s++;
  return Array.from({ length: Math.ceil(n / s) }, (_, k) => k * s);
}

interface Worst {
  name: string;
  index: number;
  actual: number;
  expected: number;
  /** |a - b| / max(|a|, |b|, rms of the tensor). */
  rel: number;
  /** |a - b| / (tol max(|a|, |b|) + FLOOR): above 1 fails. */
  ratio: number;
}

/** Records the worst element of each comparison, so a failure names the weight that strays most. */
class Comparison {
  worst: Worst | undefined;
  constructor(readonly tol: number) {}
  /**
   * Element-wise |a - b| <= tol max(|a|, |b|, rms) + FLOOR, where rms is the root mean square of
   * PyTorch's tensor (`tensorScale`): an element that happens to sit near zero (a bias that
   * started at 0, a weight crossing zero) is held to the precision of its tensor, not to a
   * relative error it cannot have. Scalars (losses, norms) pass no scale.
   */
  add(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>, index: (k: number) => number = (k) => k, tensorScale = 0): void {
    expect(actual.length, `${name}: length`).toBe(expected.length);
    for (let k = 0; k < expected.length; k++) {
      const a = actual[k]!;
      const b = expected[k]!;
      const scale = Math.max(Math.abs(a), Math.abs(b));
      const diff = Math.abs(a - b);
      const ratio = Number.isNaN(diff) ? Infinity : diff / (this.tol * Math.max(scale, tensorScale) + FLOOR);
      const rel = scale > 0 ? diff / Math.max(scale, tensorScale) : 0;
      if (!this.worst || ratio > this.worst.ratio) this.worst = { name, index: index(k), actual: a, expected: b, rel, ratio };
    }
  }
  /** The element closest to failing, for the log. */
  summary(): string {
    const w = this.worst!;
    return `${w.name}[${w.index}], relative error ${w.rel.toExponential(2)}, ${w.ratio.toFixed(2)} of its allowance`;
  }
  check(what: string): void {
    const w = this.worst!;
    const message = `${what}: worst is ${w.name}[${w.index}] = ${w.actual}, PyTorch ${w.expected} (relative error ${w.rel.toExponential(2)}, tolerance ${this.tol})`;
    expect(w.ratio, message).toBeLessThanOrEqual(1);
  }
}

function fixture(name: string) {
  const file = readSafetensors(readFileSync(`${ROOT}test/parity/fixtures/${name}.safetensors`));
  const tensor = (key: string): Tensor => {
    const t = file.tensors.get(key);
    if (!t) throw new Error(`fixture ${name} has no "${key}"`);
    return t;
  };
  const meta = file.metadata;
  return {
    tensor,
    floats: (key: string) => tensor(key).data as Float32Array,
    graph: meta['graph']!,
    params: JSON.parse(meta['params']!) as string[],
    batches: Number(meta['batches']),
    steps: Number(meta['steps']),
    cap: Number(meta['sample_cap']),
    configs: JSON.parse(meta['configs']!) as Record<string, TrainConfig>,
    initSha256: meta['init_sha256']!,
    captions: (k: number) => JSON.parse(meta[`raw.${k}.text`]!) as string[],
  };
}

/** The batches as TrainProgram takes them: by graph input name, raw (images and caption strings for CLIP). */
function batchesOf(name: string, fx: ReturnType<typeof fixture>): Record<string, Tensor>[] {
  return Array.from({ length: fx.batches }, (_, k): Record<string, Tensor> =>
    name === 'clip'
      ? { image: fx.tensor(`batch.${k}.image.pixels`), text: { dtype: 'string', dims: [fx.captions(k).length], data: fx.captions(k) } }
      : { text: fx.tensor(`batch.${k}.text.value`), image: fx.tensor(`batch.${k}.image.value`), label: fx.tensor(`batch.${k}.label.value`) },
  );
}

const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });

describe.each(['late_fusion', 'clip'])('training parity with PyTorch: %s', (name) => {
  const fx = fixture(name);
  const doc = parseGraph(readFileSync(`${ROOT}${fx.graph}`, 'utf8'), { file: fx.graph });

  it('starts from the weights and batches the fixtures were made from', async () => {
    const setup = prepareTraining(doc, registry, { file: fx.graph, train: fx.configs['sgd']! });
    expect(setup.params.map((p) => p.name)).toEqual(fx.params);
    const hash = createHash('sha256');
    for (const p of fx.params) {
      const data = setup.initial.get(p)!.data as Float32Array;
      hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    expect(hash.digest('hex'), 'seeded initial weights differ from those the fixtures were trained from; regenerate them').toBe(fx.initSha256);
    if (name === 'clip') {
      // PyTorch trained on these token ids; the tokenizer host step must still produce them.
      const prefix = await engine.load(setup.prefix);
      for (const [k, batch] of batchesOf(name, fx).entries()) {
        const ids = (await prefix.run(batch, { cache: false })).outputs['tokenize.ids']!;
        expect(Array.from(ids.data as BigInt64Array), `batch ${k} token ids`).toEqual(Array.from(fx.tensor(`batch.${k}.tokenize.ids`).data as BigInt64Array));
      }
      await prefix.release();
    }
  });

  it('has the gradients PyTorch computes in float64 at the initial weights', async () => {
    // The first half of buildStep (the loss with weights as inputs, then reverse mode), run on
    // batch 0: a run of steps hides gradient errors of a percent, this comparison does not.
    const setup = prepareTraining(doc, registry, { file: fx.graph, train: fx.configs['sgd']! });
    const prefix = await engine.load(setup.prefix);
    const batch = batchesOf(name, fx)[0]!;
    const feeds: Record<string, Tensor> = { ...(await prefix.run(batch, { cache: false })).outputs };
    await prefix.release();
    for (const spec of prefix.plan.inputs) feeds[spec.tensor] = batch[spec.name]!;
    const shapes = Object.fromEntries(setup.boundary.map((b) => [b.tensor, [...feeds[b.tensor]!.dims]]));
    const { graph, loss, params } = lossGraph(setup, shapes, setup.initial);
    const grads = addGradients(inferTypes(graph), loss, params);
    graph.addOutput(loss, 'float32', []);
    const outputs = new Map<string, string>();
    for (const p of params) {
      const v = grads.get(p);
      expect(v, `no gradient for ${p}`).toBeDefined();
      outputs.set(p, graph.op('Identity', [v!]));
      graph.addOutput(outputs.get(p)!, 'float32');
    }
    const bytes = encodeModel(graph, { opset: OPSET, producerName: 'train-parity', producerVersion: '0', docString: '', metadata: {} });
    const session = await createNodeRuntime({ providers: ['cpu'] }).createSession(bytes, { providers: ['cpu'] });
    const run: Record<string, Tensor> = {};
    for (const b of setup.boundary) run[b.tensor] = feeds[b.tensor]!;
    for (const p of params) run[p] = setup.initial.get(p)!;
    const out = await session.run(run);
    await session.release();
    const c = new Comparison(TOL_FIRST);
    c.add('loss', [(out[loss]!.data as Float32Array)[0]!], fx.floats('grad.loss'));
    for (const p of params) {
      const data = out[outputs.get(p)!]!.data as Float32Array;
      const index = sampleIndex(data.length, fx.cap);
      const expected = fx.floats(`grad.${p}`);
      const rms = Math.sqrt(expected.reduce((a, v) => a + v * v, 0) / expected.length);
      c.add(p, index.map((k) => data[k]!), expected, (k) => index[k]!, rms);
    }
    console.log(`${name} gradients: closest to failing ${c.summary()}`);
    c.check(`${name} gradients at the initial weights`);
  });

  it.each(Object.keys(fx.configs))('%s: 20 steps match PyTorch', async (opt) => {
    const setup = prepareTraining(doc, registry, { file: fx.graph, train: fx.configs[opt]! });
    const program = await engine.train(setup);
    const batches = batchesOf(name, fx);
    const first = new Comparison(TOL_FIRST);
    const last = new Comparison(TOL_LAST);
    const metrics = { loss: [] as number[], lr: [] as number[], grad_norm: [] as number[] };
    const weightsAt = async (step: number, into: Comparison) => {
      const now = await program.weights();
      for (const p of fx.params) {
        const data = now.get(p)!.data as Float32Array;
        const index = sampleIndex(data.length, fx.cap);
        const expected = fx.floats(`${opt}.step${step}.${p}`);
        const rms = Math.sqrt(expected.reduce((a, v) => a + v * v, 0) / expected.length);
        into.add(p, index.map((k) => data[k]!), expected, (k) => index[k]!, rms);
      }
    };
    for (let step = 1; step <= fx.steps; step++) {
      const r = await program.step(batches[(step - 1) % batches.length]!);
      metrics.loss.push(r.loss);
      metrics.lr.push(r.metrics['lr']!);
      metrics.grad_norm.push(r.metrics['grad_norm']!);
      if (step === 1) await weightsAt(1, first);
    }
    await weightsAt(fx.steps, last);
    for (const m of ['loss', 'lr', 'grad_norm'] as const) first.add(`${m}@1`, metrics[m].slice(0, 1), fx.floats(`${opt}.${m}`).slice(0, 1));
    // The gradient norm only at step 1: a derivative amplifies the drift of a chaotic run more
    // than the loss does (CLIP under SGD reaches norms of 40 against a clip at 1).
    for (const m of ['loss', 'lr'] as const) last.add(m, metrics[m], fx.floats(`${opt}.${m}`));
    await program.release();
    console.log(`${name} ${opt}: closest to failing after step 1 ${first.summary()}; by step ${fx.steps} ${last.summary()}`);
    first.check(`${name} ${opt} after step 1`);
    last.check(`${name} ${opt} after step ${fx.steps}`);
  });
});
