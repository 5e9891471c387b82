import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseGraph, type GraphDoc, type Tensor } from '@modalflow/core';
import { createRegistry } from '@modalflow/nodes';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const registry = createRegistry();

export function example(name: string): { doc: GraphDoc; file: string; text: string } {
  const file = `${ROOT}examples/${name}/graph.json`;
  const text = readFileSync(file, 'utf8');
  return { doc: parseGraph(text, { file }), file, text };
}

export function floats(dims: number[], seed: number): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let k = 0; k < n; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[k] = (s / 2 ** 32) * 2 - 1;
  }
  return { dtype: 'float32', dims, data };
}

export function lateFusionInputs(batch = 2, seed = 1): Record<string, Tensor> {
  return { text: floats([batch, 16], seed), image: floats([batch, 32], seed + 100) };
}
