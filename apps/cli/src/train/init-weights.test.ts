import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGraph, type Tensor } from '@modalflow/core';
import { allWeights, analyzeOrThrow } from '@modalflow/compiler';
import { writeSafetensors } from '@modalflow/onnx';
import { createRegistry } from '@modalflow/nodes';
import { carryWeights } from './init-weights.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const registry = createRegistry();
const load = (file: string) => parseGraph(readFileSync(`${ROOT}${file}`, 'utf8'), { file });

describe('--init: weights carried from another graph by name', () => {
  const clip = load('examples/clip/tiny.json');
  const probe = load('examples/linear-probe/graph.json');
  const clipWeights = allWeights(analyzeOrThrow(clip, registry));
  // Recognisable values, so the test sees which ones were carried.
  const trained = new Map<string, Tensor>([...clipWeights].map(([k, t]) => [k, { ...t, data: Float32Array.from(t.data as Float32Array, (_, i) => i * 1e-3 + 0.5) }]));

  it('takes the shared encoder from the file, seeds the new head, and lists what the file had besides', () => {
    const r = carryWeights(probe, registry, 'clip.safetensors', writeSafetensors(trained));
    expect(r.loaded.sort()).toEqual([...clipWeights.keys()].filter((k) => /^(patch_embed|vision_encoder|vision_post_ln)\./.test(k)).sort());
    expect(r.seeded.sort()).toEqual(['probe.bias', 'probe.weight']);
    expect(r.unused.some((k) => k.startsWith('text_encoder.'))).toBe(true);
    expect(r.tensors.get('vision_post_ln.weight')!.data).toEqual(trained.get('vision_post_ln.weight')!.data);
    const seeded = allWeights(analyzeOrThrow(probe, registry));
    expect(r.tensors.get('probe.weight')!.data).toEqual(seeded.get('probe.weight')!.data);
  });

  it('refuses a weight whose name matches but whose shape does not, naming it', () => {
    const bad = new Map(trained);
    bad.set('vision_post_ln.weight', { dtype: 'float32', dims: [3], data: new Float32Array(3) });
    expect(() => carryWeights(probe, registry, 'clip.safetensors', writeSafetensors(bad))).toThrow(/vision_post_ln\.weight.*\[3\].*\[32\]/);
  });

  it('refuses a file none of whose names belong to the graph', () => {
    const other = new Map<string, Tensor>([['elsewhere.weight', { dtype: 'float32', dims: [1], data: new Float32Array(1) }]]);
    expect(() => carryWeights(probe, registry, 'other.safetensors', writeSafetensors(other))).toThrow(/no weight of other\.safetensors/);
  });
});
