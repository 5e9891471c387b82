/**
 * The GPT-2 checkpoint map (examples/image-captioning/weights-maps/gpt2.json): a full-size
 * GPT2LMHeadModel key list fills GPT-2 small's 124,439,808 parameters of the decoder with none
 * left over, and a tiny GPT-2 written in PyTorch in transformers' layout
 * (test/generate/make_gpt2_map_fixtures.py) gives the same logits and greedy tokens as the graph
 * loaded through the map.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { applyWeightsMap, numel, parseGraph, parseWeightsMap, type GraphDoc, type Tensor } from '@modalflow/core';
import { analyzeOrThrow, compileGraph, weightTargets } from '@modalflow/compiler';
import { createEngine, type Program } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { ROOT, registry } from './fixtures.ts';

const MAP_DIR = `${ROOT}examples/image-captioning/weights-maps`;
const map = parseWeightsMap(readFileSync(`${MAP_DIR}/gpt2.json`, 'utf8'));

interface Values { dims: number[]; data: number[] }
interface Case {
  name: string;
  params: Record<string, unknown>;
  state_dict: Record<string, Values>;
  memory: Values | null;
  prompt: number[][];
  max_length: number;
  tokens: number[][];
  ids: number[][];
  logits: Values;
}
const CASES: Case[] = JSON.parse(readFileSync(`${ROOT}test/generate/gpt2-map-fixtures.json`, 'utf8')).cases;

const f32 = (v: Values): Tensor => ({ dtype: 'float32', dims: v.dims, data: Float32Array.from(v.data) });
const i64 = (rows: number[][]): Tensor => ({ dtype: 'int64', dims: [rows.length, rows[0]!.length], data: BigInt64Array.from(rows.flat(), BigInt) });

/** prompt (and encoder states) -> decoder -> generate; `ids` feeds the decoder for teacher forcing. */
function graph(c: Case, teacherForced: boolean): GraphDoc {
  const mem = c.memory;
  const nodes: GraphDoc['nodes'] = [
    { id: 'ids', type: 'input.tensor', typeVersion: 1, params: { dtype: 'int64', shape: 'B, T' } },
    { id: 'decoder', type: 'decoder.transformer', typeVersion: 1, params: c.params },
  ];
  const edges: GraphDoc['edges'] = [{ from: ['ids', 'value'], to: ['decoder', 'ids'] }];
  if (mem) {
    nodes.push({ id: 'mem', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: `B, ${mem.dims[1]}, ${mem.dims[2]}` } });
    edges.push({ from: ['mem', 'value'], to: ['decoder', 'memory'] });
  }
  if (teacherForced) {
    nodes.push({ id: 'logits', type: 'output.tensor', typeVersion: 1, params: {} });
    edges.push({ from: ['decoder', 'logits'], to: ['logits', 'value'] });
  } else {
    nodes.push(
      { id: 'prompt', type: 'input.tensor', typeVersion: 1, params: { dtype: 'int64', shape: 'B, P' } },
      { id: 'gen', type: 'head.generate', typeVersion: 1, params: { strategy: 'greedy', max_length: c.max_length, stop_tokens: [] } },
      { id: 'tokens', type: 'output.tensor', typeVersion: 1, params: {} },
    );
    edges.push(
      { from: ['prompt', 'value'], to: ['gen', 'prompt'] },
      { from: ['decoder', 'logits'], to: ['gen', 'logits'] },
      { from: ['gen', 'tokens'], to: ['tokens', 'value'] },
    );
  }
  return { format: 'modalflow.graph', version: 1, meta: { title: `tiny GPT-2: ${c.name}` }, seed: 1, nodes, edges };
}

const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const programs: Program[] = [];
afterAll(async () => {
  await Promise.all(programs.map((p) => p.release()));
});

function keyList(name: string): Map<string, Tensor> {
  const { keys } = JSON.parse(readFileSync(`${MAP_DIR}/keys/${name}.json`, 'utf8')) as { keys: Record<string, [string, number[]]> };
  return new Map(Object.entries(keys).map(([k, [, dims]]) => [k, { dtype: 'float32', dims, data: new Float32Array(0) }]));
}

describe('GPT-2 checkpoint map on the full-size decoder', () => {
  const file = `${ROOT}examples/image-captioning/graph.json`;
  const analysis = analyzeOrThrow(parseGraph(readFileSync(file, 'utf8'), { file }), registry, { file });
  const targets = weightTargets(analysis);
  const params = (names: Iterable<string>) => [...names].reduce((a, n) => a + numel(targets.get(n)!), 0);

  it('GPT2LMHeadModel places every key and fills GPT-2 small\'s 124,439,808 parameters', () => {
    const { report } = applyWeightsMap(map, keyList('gpt2'), targets, { shapesOnly: true });
    expect(report.unplaced).toEqual([]);
    expect(params(report.placed.keys())).toBe(124_439_808);
    // Left seeded: the image encoder and the cross-attention plain GPT-2 does not have.
    expect(report.seeded.filter((n) => n.startsWith('decoder.') && !/\.(cross_attn|layer_norm_cross)\./.test(n))).toEqual([]);
    expect(report.dropped.map((d) => d.key)).toContain('lm_head.weight');
  });

  it('with add_cross_attention (the decoder of ViT-GPT2 captioners) it fills the cross-attention too', () => {
    const { report } = applyWeightsMap(map, keyList('gpt2-cross'), targets, { shapesOnly: true });
    expect(report.unplaced).toEqual([]);
    expect(params(report.placed.keys())).toBe(124_439_808 + 28_366_848);
    expect(report.seeded.filter((n) => n.startsWith('decoder.'))).toEqual([]);
  });

  it('the original checkpoint file, keys without the transformer. prefix, places the same weights', () => {
    const { report } = applyWeightsMap(map, keyList('gpt2-base'), targets, { shapesOnly: true });
    expect(report.unplaced).toEqual([]);
    expect(params(report.placed.keys())).toBe(124_439_808);
  });
});

describe.each(CASES)('a tiny GPT-2 loaded through the map equals the PyTorch reference: $name', (c) => {
  const source = new Map(Object.entries(c.state_dict).map(([k, v]) => [k, f32(v)]));
  const load = async (teacherForced: boolean) => {
    const doc = graph(c, teacherForced);
    const analysis = analyzeOrThrow(doc, registry);
    const { tensors, report } = applyWeightsMap(map, source, weightTargets(analysis));
    expect(report.unplaced).toEqual([]);
    expect(report.seeded).toEqual([]);
    const program = await engine.load(compileGraph(doc, registry, { weights: tensors }));
    programs.push(program);
    return program;
  };
  const memory: Record<string, Tensor> = c.memory ? { mem: f32(c.memory) } : {};

  it('teacher-forced logits at every position to 1e-4', async () => {
    const program = await load(true);
    const { outputs } = await program.run({ ids: i64(c.ids), ...memory });
    const got = outputs['logits']!.data as Float32Array;
    const max = Math.max(...c.logits.data.map(Math.abs));
    let worst = 0;
    c.logits.data.forEach((x, k) => (worst = Math.max(worst, Math.abs(got[k]! - x) / max)));
    expect(outputs['logits']!.dims).toEqual(c.logits.dims);
    console.log(`${c.name}: worst logit error ${worst.toExponential(2)} of the largest logit`);
    expect(worst).toBeLessThan(1e-4);
  });

  it('greedy tokens, token for token', async () => {
    const program = await load(false);
    const { outputs } = await program.run({ prompt: i64(c.prompt), ...memory }, { cache: false });
    const t = outputs['tokens']!;
    const n = t.dims[1]!;
    const rows = c.prompt.map((_, r) => Array.from((t.data as BigInt64Array).subarray(r * n, (r + 1) * n), Number));
    expect(rows).toEqual(c.tokens);
  });
});
