import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph } from '@modalflow/compiler';
import { createEngine, type Program } from '@modalflow/engine';
import { createNodeRuntime } from '@modalflow/runtime-node';
import type { AssetLookup, GraphDoc, Tensor } from '@modalflow/core';
import { registry } from './fixtures.ts';

/**
 * An ONNX decoder in Optimum's layout (input_ids, attention_mask, position_ids,
 * encoder_hidden_states, past_key_values.* -> logits, present.*), exported from PyTorch by
 * test/generate/make_optimum_decoder.py, driven by the same loop as a compiled decoder.
 */
const dir = new URL('../generate/optimum-tiny/', import.meta.url);
const bytes = new Uint8Array(readFileSync(new URL('decoder_model_merged.onnx', dir)));
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as {
  start_token: number; stop_tokens: number[]; max_length: number;
  memory: { dims: number[]; data: number[] }; rows: { tokens: number[]; stopped: boolean }[];
};
const asset: AssetLookup = (name) => (name === 'decoder' ? { name, uri: 'decoder_model_merged.onnx', bytes } : undefined);

function graph(settings: Record<string, unknown>): GraphDoc {
  const [, s, d] = expected.memory.dims;
  return {
    format: 'modalflow.graph', version: 1, meta: { title: 'imported decoder' }, seed: 1,
    assets: { decoder: { uri: 'decoder_model_merged.onnx' } },
    nodes: [
      { id: 'mem', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: `B, ${s}, ${d}` } },
      {
        id: 'gen', type: 'head.generate', typeVersion: 1,
        params: { model: 'decoder', start_token: expected.start_token, stop_tokens: expected.stop_tokens, max_length: expected.max_length, ...settings },
      },
      { id: 'tokens', type: 'output.tensor', typeVersion: 1, params: {} },
      { id: 'stopped', type: 'output.tensor', typeVersion: 1, params: {} },
      { id: 'lengths', type: 'output.tensor', typeVersion: 1, params: {} },
    ],
    edges: [
      { from: ['mem', 'value'], to: ['gen', 'memory'] },
      { from: ['gen', 'tokens'], to: ['tokens', 'value'] },
      { from: ['gen', 'stopped'], to: ['stopped', 'value'] },
      { from: ['gen', 'lengths'], to: ['lengths', 'value'] },
    ],
  };
}

const engine = createEngine(createNodeRuntime({ providers: ['cpu'] }), { registry });
const programs: Program[] = [];
afterAll(async () => {
  await Promise.all(programs.map((p) => p.release()));
});

describe('an imported Optimum-layout decoder in the generate loop', () => {
  const memory: Tensor = { dtype: 'float32', dims: expected.memory.dims, data: Float32Array.from(expected.memory.data) };

  it('reads the cache inputs and outputs from the file', () => {
    const { plan } = compileGraph(graph({}), registry, { asset });
    const stage = plan.stages[0]!;
    expect(stage.kind).toBe('generate');
    if (stage.kind !== 'generate') return;
    expect(stage.external).toEqual({ asset: 'decoder' });
    expect(stage.cache.map((c) => [c.past, c.present, c.heads, c.headDim])).toEqual([
      ['past_key_values.0.key', 'present.0.key', 2, 8], ['past_key_values.0.value', 'present.0.value', 2, 8],
      ['past_key_values.1.key', 'present.1.key', 2, 8], ['past_key_values.1.value', 'present.1.value', 2, 8],
    ]);
    expect(stage.names).toEqual({ ids: 'input_ids', memory: 'encoder_hidden_states', mask: 'attention_mask', positions: 'position_ids' });
  });

  for (const use_cache of [true, false]) {
    it(`greedy tokens equal PyTorch's, token for token (cache ${use_cache ? 'on' : 'off'})`, async () => {
      const program = await engine.load(compileGraph(graph({ use_cache }), registry, { asset }));
      programs.push(program);
      const { outputs } = await program.run({ mem: memory }, { cache: false });
      const n = expected.max_length;
      const toks = outputs['tokens']!.data as BigInt64Array;
      const lengths = outputs['lengths']!.data as BigInt64Array;
      const got = expected.rows.map((_, r) => Array.from(toks.subarray(r * n, r * n + Number(lengths[r])), Number));
      expect(got).toEqual(expected.rows.map((r) => r.tokens));
      expect(Array.from(outputs['stopped']!.data as Uint8Array, Boolean)).toEqual(expected.rows.map((r) => r.stopped));
    });
  }

  it('asks for the encoder states the file reads, naming the port', () => {
    const doc = graph({});
    doc.edges = doc.edges.filter((e) => e.to[1] !== 'memory');
    expect(() => compileGraph(doc, registry, { asset })).toThrow(expect.objectContaining({ code: 'MF_GENERATE_NO_MEMORY' }));
  });
});
