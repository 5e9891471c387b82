import type { GraphDoc } from '@modalflow/core';

export interface DecoderSize { label: string; dim: number; layers: number; heads: number; vocab: number; memory: number; tokens: number }

export const DECODER_SIZES: DecoderSize[] = [
  { label: 'tiny (dim 32, 2 layers, vocab 41)', dim: 32, layers: 2, heads: 4, vocab: 41, memory: 17, tokens: 64 },
  { label: 'small (dim 256, 4 layers, vocab 8000)', dim: 256, layers: 4, heads: 4, vocab: 8000, memory: 50, tokens: 128 },
];

/** The WebGPU rows: the tiny decoder writing a few tokens, so a software adapter finishes. */
export const WEBGPU_DECODER: DecoderSize = { label: 'tiny (dim 32, 2 layers, vocab 41), 8 tokens', dim: 32, layers: 2, heads: 4, vocab: 41, memory: 17, tokens: 8 };

/** Encoder states -> decoder -> generate, with no stop token: every run writes exactly `tokens` tokens. */
export function decoderGraph(s: DecoderSize, useCache: boolean, strategy: string): GraphDoc {
  return {
    format: 'modalflow.graph', version: 1, meta: { title: `decoder ${s.label}` }, seed: 3,
    nodes: [
      { id: 'mem', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: `B, ${s.memory}, ${s.dim}` } },
      { id: 'ids', type: 'input.tensor', typeVersion: 1, params: { dtype: 'int64', shape: 'B, T' } },
      {
        id: 'dec', type: 'decoder.transformer', typeVersion: 1,
        params: { vocab: s.vocab, dim: s.dim, layers: s.layers, heads: s.heads, mlp_dim: 4 * s.dim, max_positions: s.tokens + 1 },
      },
      { id: 'gen', type: 'head.generate', typeVersion: 1, params: { strategy, beams: 4, max_length: s.tokens, stop_tokens: [], use_cache: useCache } },
      { id: 'tokens', type: 'output.tensor', typeVersion: 1, params: {} },
      { id: 'lengths', type: 'output.tensor', typeVersion: 1, params: {} },
    ],
    edges: [
      { from: ['mem', 'value'], to: ['dec', 'memory'] },
      { from: ['ids', 'value'], to: ['dec', 'ids'] },
      { from: ['dec', 'logits'], to: ['gen', 'logits'] },
      { from: ['gen', 'tokens'], to: ['tokens', 'value'] },
      { from: ['gen', 'lengths'], to: ['lengths', 'value'] },
    ],
  };
}
