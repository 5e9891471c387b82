import { readFileSync } from 'node:fs';
import type { GraphDoc, Tensor } from '@modalflow/core';

/** The PyTorch reference decodings written by test/generate/make_generate_fixtures.py. */
export interface GenerateCase {
  name: string;
  params: Record<string, unknown>;
  memory: { dims: number[]; data: number[] };
  weights: Record<string, { dims: number[]; data: number[] }>;
  prompt: number[][];
  stop: number[];
  first_logits: number[];
  runs: ({ strategy: 'greedy' | 'beam' | 'sample'; max_length: number; tokens: number[][]; stopped: boolean[] } & Record<string, unknown>)[];
}

export const GENERATE_CASES: GenerateCase[] = JSON.parse(
  readFileSync(new URL('../generate/generate-fixtures.json', import.meta.url), 'utf8'),
).cases;

/** mem -> dec (decoder.transformer) -> gen (head.generate) -> outputs; `ids` feeds the decoder for teacher forcing only. */
export function generateGraph(c: GenerateCase, settings: Record<string, unknown>): GraphDoc {
  const [, s, d] = c.memory.dims;
  return {
    format: 'modalflow.graph', version: 1, meta: { title: `tiny decoder: ${c.name}` }, seed: 1,
    nodes: [
      { id: 'mem', type: 'input.tensor', typeVersion: 1, params: { dtype: 'float32', shape: `B, ${s}, ${d}` } },
      { id: 'ids', type: 'input.tensor', typeVersion: 1, params: { dtype: 'int64', shape: 'B, T' } },
      { id: 'dec', type: 'decoder.transformer', typeVersion: 1, params: c.params },
      { id: 'gen', type: 'head.generate', typeVersion: 1, params: { stop_tokens: c.stop, start_token: c.prompt[0]![0], ...settings } },
      { id: 'tokens', type: 'output.tensor', typeVersion: 1, params: {} },
      { id: 'lengths', type: 'output.tensor', typeVersion: 1, params: {} },
      { id: 'stopped', type: 'output.tensor', typeVersion: 1, params: {} },
    ],
    edges: [
      { from: ['mem', 'value'], to: ['dec', 'memory'] },
      { from: ['ids', 'value'], to: ['dec', 'ids'] },
      { from: ['dec', 'logits'], to: ['gen', 'logits'] },
      { from: ['gen', 'tokens'], to: ['tokens', 'value'] },
      { from: ['gen', 'lengths'], to: ['lengths', 'value'] },
      { from: ['gen', 'stopped'], to: ['stopped', 'value'] },
    ],
  };
}

/** The graph with the decoder's logits as its only output: teacher forcing over a whole sequence. */
export function teacherForcedGraph(c: GenerateCase): GraphDoc {
  const doc = generateGraph(c, {});
  return {
    ...doc,
    nodes: [...doc.nodes.filter((n) => ['mem', 'ids', 'dec'].includes(n.id)), { id: 'logits', type: 'output.tensor', typeVersion: 1, params: {} }],
    edges: [...doc.edges.filter((e) => e.to[0] === 'dec'), { from: ['dec', 'logits'], to: ['logits', 'value'] }],
  };
}

export function caseWeights(c: GenerateCase): Map<string, Tensor> {
  return new Map(Object.entries(c.weights).map(([k, v]) => [`dec.${k}`, { dtype: 'float32', dims: v.dims, data: Float32Array.from(v.data) }]));
}

export function caseMemory(c: GenerateCase): Tensor {
  return { dtype: 'float32', dims: c.memory.dims, data: Float32Array.from(c.memory.data) };
}

/** Settings of a reference run, as head.generate params. */
export function runSettings(run: GenerateCase['runs'][number]): Record<string, unknown> {
  const { strategy, max_length } = run;
  const out: Record<string, unknown> = { strategy, max_length };
  for (const k of ['beams', 'length_penalty', 'seed', 'temperature', 'top_k', 'top_p']) if (run[k] !== undefined) out[k] = run[k];
  return out;
}
