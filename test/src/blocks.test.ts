import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph, allWeights, analyzeOrThrow } from '@modalflow/compiler';
import { createEngine } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import { decodeGraph } from '@modalflow/onnx';
import type { BlockDoc, GraphDoc, Tensor } from '@modalflow/core';
import { floats, registry } from './fixtures.ts';

const runtime = createNodeRuntime({ providers: ['cpu'] });
const engine = createEngine(runtime, { registry });
const releases: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const r of releases) await r();
});

/** A pre-norm feed-forward layer: x + W2 gelu(W1 LN(x)), hidden width `dim * 4`. */
const ffn = (shared = false): BlockDoc => ({
  version: 1, title: 'Feed-forward', shared,
  params: { dim: { kind: 'int', default: 8, min: 1 } },
  inputs: { x: { to: [['norm', 'x'], ['res', 'a']] } },
  outputs: { y: { from: ['res', 'h'] } },
  nodes: [
    { id: 'norm', type: 'layer.layer_norm', typeVersion: 1, params: {} },
    { id: 'up', type: 'layer.linear', typeVersion: 1, params: {}, bind: { out: 'dim * 4' } },
    { id: 'act', type: 'layer.activation', typeVersion: 1, params: { fn: 'gelu' } },
    { id: 'down', type: 'layer.linear', typeVersion: 1, params: {}, bind: { out: 'dim' } },
    { id: 'res', type: 'fusion.sum', typeVersion: 1, params: {} },
  ],
  edges: [
    { from: ['norm', 'y'], to: ['up', 'x'] },
    { from: ['up', 'y'], to: ['act', 'x'] },
    { from: ['act', 'y'], to: ['down', 'x'] },
    { from: ['down', 'y'], to: ['res', 'b'] },
  ],
});

const io = [
  { id: 'x', type: 'input.tensor', typeVersion: 1, params: { shape: 'B, 8' } },
  { id: 'out', type: 'output.tensor', typeVersion: 1, params: {} },
];

function withBlocks(shared = false): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'two layers' }, seed: 11,
    blocks: { ffn: ffn(shared) },
    nodes: [
      ...io,
      { id: 'layer1', type: 'block:ffn', typeVersion: 1, params: { dim: 8 } },
      { id: 'layer2', type: 'block:ffn', typeVersion: 1, params: { dim: 8 } },
    ],
    edges: [
      { from: ['x', 'value'], to: ['layer1', 'x'] },
      { from: ['layer1', 'y'], to: ['layer2', 'x'] },
      { from: ['layer2', 'y'], to: ['out', 'value'] },
    ],
  };
}

/** The same two layers written out node by node. */
function handFlattened(): GraphDoc {
  const layer = (p: string, from: [string, string]) => ({
    nodes: [
      { id: `${p}_norm`, type: 'layer.layer_norm', typeVersion: 1, params: {} },
      { id: `${p}_up`, type: 'layer.linear', typeVersion: 1, params: { out: 32 } },
      { id: `${p}_act`, type: 'layer.activation', typeVersion: 1, params: { fn: 'gelu' } },
      { id: `${p}_down`, type: 'layer.linear', typeVersion: 1, params: { out: 8 } },
      { id: `${p}_res`, type: 'fusion.sum', typeVersion: 1, params: {} },
    ],
    edges: [
      { from, to: [`${p}_norm`, 'x'] as [string, string] },
      { from, to: [`${p}_res`, 'a'] as [string, string] },
      { from: [`${p}_norm`, 'y'] as [string, string], to: [`${p}_up`, 'x'] as [string, string] },
      { from: [`${p}_up`, 'y'] as [string, string], to: [`${p}_act`, 'x'] as [string, string] },
      { from: [`${p}_act`, 'y'] as [string, string], to: [`${p}_down`, 'x'] as [string, string] },
      { from: [`${p}_down`, 'y'] as [string, string], to: [`${p}_res`, 'b'] as [string, string] },
    ],
  });
  const a = layer('layer1', ['x', 'value']);
  const b = layer('layer2', ['layer1_res', 'h']);
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'two layers, flat' }, seed: 11,
    nodes: [...io, ...a.nodes, ...b.nodes],
    edges: [...a.edges, ...b.edges, { from: ['layer2_res', 'h'], to: ['out', 'value'] }],
  };
}

async function run(doc: GraphDoc, weights?: Map<string, Tensor>) {
  const compiled = compileGraph(doc, registry, weights ? { weights } : {});
  const program = await engine.load(compiled);
  releases.push(() => program.release());
  const { outputs } = await program.run({ x: floats([3, 8], 4) });
  return { compiled, out: outputs['out']! };
}

const initializers = (compiled: ReturnType<typeof compileGraph>) =>
  Object.values(compiled.models).flatMap((bytes) => [...decodeGraph(bytes).initializers].map(([name, t]) => ({ name, ...t })));

describe('blocks compile like the graph written out by hand', () => {
  it('same weights under instance-prefixed names, same outputs', async () => {
    const blocky = withBlocks();
    const weights = allWeights(analyzeOrThrow(blocky, registry));
    expect([...weights.keys()].filter((k) => k.startsWith('layer2.'))).toEqual([
      'layer2.norm.weight', 'layer2.norm.bias', 'layer2.up.weight', 'layer2.up.bias', 'layer2.down.weight', 'layer2.down.bias',
    ]);
    // The flat graph gets the very same tensors under its own names.
    const renamed = new Map([...weights].map(([k, t]) => [k.replace(/^(layer\d)\.(\w+)\./, '$1_$2.'), t]));
    const a = await run(blocky);
    const b = await run(handFlattened(), renamed);
    expect(a.out.dims).toEqual([3, 8]);
    const x = a.out.data as Float32Array;
    const y = b.out.data as Float32Array;
    let diff = 0;
    for (let i = 0; i < x.length; i++) diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    expect(diff).toBeLessThanOrEqual(1e-7);
    const ia = initializers(a.compiled).filter((t) => t.name.includes('.weight') || t.name.includes('.bias'));
    const ib = initializers(b.compiled).filter((t) => t.name.includes('.weight') || t.name.includes('.bias'));
    expect(ia.map((t) => t.name.replace(/^(layer\d)\.(\w+)\./, '$1_$2.'))).toEqual(ib.map((t) => t.name));
    expect(ia.map((t) => Array.from(t.data as Float32Array))).toEqual(ib.map((t) => Array.from(t.data as Float32Array)));
    expect(a.compiled.plan.costs.params).toBe(b.compiled.plan.costs.params);
  });

  it('a shared block keeps one copy of each weight, and both instances use it', async () => {
    const shared = await run(withBlocks(true));
    const names = initializers(shared.compiled).map((t) => t.name).filter((n) => /\.(weight|bias)$/.test(n));
    expect(names).toEqual(['ffn.norm.weight', 'ffn.norm.bias', 'ffn.up.weight', 'ffn.up.bias', 'ffn.down.weight', 'ffn.down.bias']);
    const weights = allWeights(analyzeOrThrow(withBlocks(true), registry));
    expect(weights.size).toBe(6);
    // Tied layers equal the flat graph with the same tensors given to both layers.
    const both = new Map([...weights].flatMap(([k, t]) => ['layer1', 'layer2'].map((l) => [k.replace(/^ffn\.(\w+)\./, `${l}_$1.`), t] as const)));
    const flat = await run(handFlattened(), both);
    expect(Array.from(shared.out.data as Float32Array)).toEqual(Array.from(flat.out.data as Float32Array));
    expect(shared.compiled.plan.costs.params).toBe(analyzeOrThrow(handFlattened(), registry).totals.params / 2);
    const stages = shared.compiled.plan.stages.filter((st) => st.kind === 'onnx') as { params: number }[];
    expect(stages.reduce((a, st) => a + st.params, 0)).toBe(shared.compiled.plan.costs.params);
  });
});
