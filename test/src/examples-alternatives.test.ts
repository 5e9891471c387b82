import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeGraph, parseGraph, type GraphDoc, type Tensor } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from './fixtures.ts';
import { sampleInputs } from './sample-inputs.ts';

/**
 * Example folders hold alternative graphs beside graph.json, described in their READMEs as "the
 * same graph with one part replaced". Each is loaded, checked against the parameter total its
 * README states, compiled and run at full size; the parts they share with graph.json must compute
 * the same values (same seed and node ids give the same weights), and the part replaced must not.
 */
interface Alternative {
  example: string;
  file: string;
  params: number;
  /** A value computed before the replaced part, equal in both graphs. */
  shared: string;
  /** A value computed by the replaced part or after it. */
  changed: string;
  outputs: Record<string, number[]>;
}

const ALTERNATIVES: Alternative[] = [
  { example: 'tensor-fusion', file: 'graph-lmf.json', params: 361_281, shared: 'text_linear.y', changed: 'fusion_act.y', outputs: { sentiment: [2, 1], loss: [] } },
  { example: 'causal-intervention', file: 'graph-no-intervention.json', params: 6_355_001, shared: 'joint.h', changed: 'probs', outputs: { probs: [2, 3129], logits: [2, 3129], loss: [] } },
];

const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const releases: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const r of releases) await r();
});

const load = (example: string, file: string): GraphDoc => {
  const path = `${ROOT}examples/${example}/${file}`;
  return parseGraph(readFileSync(path, 'utf8'), { file: path });
};

async function run(doc: GraphDoc, file: string, taps: string[]) {
  const compiled = compileGraph(doc, registry, { file, taps });
  const program = await engine.load(compiled);
  releases.push(() => program.release());
  // T (words per utterance) kept small: the point is the structure, not the sequence length.
  const inputs = sampleInputs(compiled.plan, { batch: 2, other: 5, seed: 3 });
  return { inputs, ...(await program.run(inputs, { taps, cache: false })) };
}

const floats = (t: Tensor) => Array.from(t.data as Float32Array);

describe.each(ALTERNATIVES)('$example/$file', (alt) => {
  it('validates with the parameter total its README states', () => {
    const doc = load(alt.example, alt.file);
    const a = analyzeGraph(doc, registry, { file: alt.file });
    expect(a.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(a.totals.params).toBe(alt.params);
    expect(doc.meta.title).toBeTruthy();
  });

  it('compiles and runs at full size; shares the unreplaced part with graph.json and differs in the replaced one', async () => {
    const taps = [alt.shared, ...(alt.changed.includes('.') ? [alt.changed] : [])];
    const mine = await run(load(alt.example, alt.file), alt.file, taps);
    const main = await run(load(alt.example, 'graph.json'), 'graph.json', taps);
    for (const [name, dims] of Object.entries(alt.outputs)) {
      expect(mine.outputs[name]?.dims, name).toEqual(dims);
      expect(floats(mine.outputs[name]!).every(Number.isFinite), name).toBe(true);
    }
    expect(floats(mine.taps[alt.shared]!)).toEqual(floats(main.taps[alt.shared]!));
    const value = (r: typeof mine) => (alt.changed.includes('.') ? r.taps[alt.changed]! : r.outputs[alt.changed]!);
    expect(floats(value(mine))).not.toEqual(floats(value(main)));
  });
});

describe('the alternatives\' losses are what their heads compute', () => {
  it('tensor-fusion/graph-lmf.json: the L1 loss is the mean absolute error of the sentiment', async () => {
    const r = await run(load('tensor-fusion', 'graph-lmf.json'), 'graph-lmf.json', []);
    const pred = floats(r.outputs['sentiment']!);
    const target = floats(r.inputs['target']!);
    const l1 = pred.reduce((s, p, k) => s + Math.abs(p - target[k]!), 0) / pred.length;
    expect(floats(r.outputs['loss']!)[0]).toBeCloseTo(l1, 6);
  });

  it('causal-intervention/graph-no-intervention.json: probabilities sum to one and the loss is their mean negative log at the answers', async () => {
    const r = await run(load('causal-intervention', 'graph-no-intervention.json'), 'graph-no-intervention.json', []);
    const probs = floats(r.outputs['probs']!);
    const answers = Array.from(r.inputs['answer']!.data as BigInt64Array, Number);
    let nll = 0;
    for (const [row, answer] of answers.entries()) {
      const p = probs.slice(row * 3129, (row + 1) * 3129);
      expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
      nll -= Math.log(p[answer]!);
    }
    expect(floats(r.outputs['loss']!)[0]).toBeCloseTo(nll / answers.length, 4);
  });
});
