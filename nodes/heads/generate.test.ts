import { describe, expect, it } from 'vitest';
import { analyzeGraph, type GraphDoc } from '@modalflow/core';
import { compileGraph } from '@modalflow/compiler';
import { createRegistry } from '../index.ts';

const registry = createRegistry();

function doc(gen: Record<string, unknown>, via: 'decoder' | 'linear' | 'none' = 'decoder', memory = true): GraphDoc {
  const nodes: GraphDoc['nodes'] = [
    { id: 'ids', type: 'input.tensor', typeVersion: 1, params: { dtype: 'int64', shape: 'B, T' } },
    { id: 'mem', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: 'B, S, 8' } },
    { id: 'x', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: 'B, T, 8' } },
    { id: 'dec', type: 'decoder.transformer', typeVersion: 1, params: { vocab: 11, dim: 8, layers: 1, heads: 2, mlp_dim: 16, max_positions: 8 } },
    { id: 'lin', type: 'layer.linear', typeVersion: 1, params: { out: 11 } },
    { id: 'gen', type: 'head.generate', typeVersion: 1, params: gen },
    { id: 'out', type: 'output.tensor', typeVersion: 1, params: {} },
  ];
  const edges: GraphDoc['edges'] = [
    { from: ['ids', 'value'], to: ['dec', 'ids'] },
    { from: ['x', 'value'], to: ['lin', 'x'] },
    { from: ['gen', 'tokens'], to: ['out', 'value'] },
  ];
  if (memory) edges.push({ from: ['mem', 'value'], to: ['dec', 'memory'] });
  if (via === 'decoder') edges.push({ from: ['dec', 'logits'], to: ['gen', 'logits'] });
  if (via === 'linear') edges.push({ from: ['lin', 'y'], to: ['gen', 'logits'] });
  return { format: 'modalflow.graph', version: 1, meta: { title: 'generate' }, seed: 1, nodes, edges };
}

describe('head.generate', () => {
  it('gives tokens [B, max_length] and one length, flag and text per row', () => {
    const a = analyzeGraph(doc({ max_length: 7 }), registry);
    expect(a.problems).toEqual([]);
    expect(a.nodes.get('gen')!.outputShapes).toEqual({ tokens: ['B', 7], lengths: ['B'], stopped: ['B'], text: ['B'] });
  });

  it('refuses tokens outside the decoder\'s vocabulary and a vocabulary of the wrong size', () => {
    const first = (params: Record<string, unknown>) => analyzeGraph(doc(params), registry).problems[0]?.message;
    expect(first({ stop_tokens: [11] })).toMatch(/token 11 is outside the decoder's vocabulary of 11/);
    expect(first({ vocabulary: ['a', 'b'] })).toMatch(/vocabulary has 2 words but the decoder scores 11/);
  });

  it('needs a decoder: a coded error without one, or with logits that cannot be run a step at a time', () => {
    expect(() => compileGraph(doc({}, 'none'), registry)).toThrow(expect.objectContaining({ code: 'MF_GENERATE_NO_DECODER' }));
    expect(() => compileGraph(doc({}, 'linear'), registry)).toThrow(expect.objectContaining({ code: 'MF_GENERATE_NOT_DECODER' }));
  });

  it('needs a prompt or encoder states to know how many sequences to write', () => {
    const a = analyzeGraph(doc({}, 'decoder', false), registry);
    expect(a.problems).toEqual([expect.objectContaining({ code: 'MF_GENERATE_NO_BATCH', at: expect.objectContaining({ node: 'gen', port: 'prompt' }) })]);
  });

  it('compiles to one generate stage whose step model names its cache as Optimum does', () => {
    const { plan } = compileGraph(doc({}), registry);
    const stage = plan.stages.find((s) => s.kind === 'generate')!;
    expect(stage.kind === 'generate' && stage.cache.map((c) => `${c.past}->${c.present}`)).toEqual([
      'past_key_values.0.key->present.0.key',
      'past_key_values.0.value->present.0.value',
    ]);
  });
});
