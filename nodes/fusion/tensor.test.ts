import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import { f64, linearRef, randomTensor, registryWith, relError, runNode, singleNodeGraph } from '../testing/index.ts';
import { weights64 } from '../testing/fusion-reference.ts';
import tensorFusion from './tensor.ts';

/** Z[r, (i, j, k)] = z_a[i] z_b[j] z_c[k] with z_m = [1; h_m], a's index outermost. */
function tfnRef(parts: { x: Float64Array; d: number }[]): { z: Float64Array; width: number } {
  const rows = parts[0]!.x.length / parts[0]!.d;
  const width = parts.reduce((acc, p) => acc * (p.d + 1), 1);
  const z = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let flat = 0; flat < width; flat++) {
      let rest = flat;
      let v = 1;
      for (let m = parts.length - 1; m >= 0; m--) {
        const { x, d } = parts[m]!;
        const idx = rest % (d + 1);
        rest = Math.floor(rest / (d + 1));
        v *= idx === 0 ? 1 : x[r * d + idx - 1]!;
      }
      z[r * width + flat] = v;
    }
  }
  return { z, width };
}

describe('fusion.tensor', () => {
  it('outputs the flattened outer product of [1; h_m] for three modalities', async () => {
    const a = randomTensor([2, 2], 1);
    const b = randomTensor([2, 3], 2);
    const c = randomTensor([2, 1], 3);
    const { outputs, weights } = await runNode(tensorFusion, { inputs: { a, b, c } });
    expect(Object.keys(weights)).toEqual([]);
    expect(outputs['z']!.dims).toEqual([2, 3 * 4 * 2]);
    const { z } = tfnRef([{ x: f64(a), d: 2 }, { x: f64(b), d: 3 }, { x: f64(c), d: 1 }]);
    expect(relError(f64(outputs['z']!), z)).toBeLessThanOrEqual(1e-6);
    // The leading 1 keeps each unimodal vector as a slice: Z[0, 0, 1..] = h_c, Z[0, 1.., 0] = h_b.
    const out = f64(outputs['z']!);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeCloseTo(f64(c)[0]!, 6);
  });

  it('projects the product over sequences of two modalities', async () => {
    const a = randomTensor([2, 3, 3], 4);
    const b = randomTensor([2, 3, 2], 5);
    const { outputs, weights } = await runNode(tensorFusion, { params: { dim: 5 }, inputs: { a, b } });
    expect(outputs['z']!.dims).toEqual([2, 3, 5]);
    expect(weights['post_fusion_layer_1.weight']!.dims).toEqual([5, 12]);
    const W = weights64(weights);
    const { z, width } = tfnRef([{ x: f64(a), d: 3 }, { x: f64(b), d: 2 }]);
    const ref = linearRef(z, width, W('post_fusion_layer_1.weight'), 5, W('post_fusion_layer_1.bias'));
    expect(relError(f64(outputs['z']!), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('counts parameters as the TFN reference (audio 4, video 16, text 64, post-fusion 32)', () => {
    const doc = singleNodeGraph(tensorFusion, {
      params: { dim: 32 },
      inputs: { a: randomTensor([1, 4]), b: randomTensor([1, 16]), c: randomTensor([1, 64]) },
    });
    const info = analyzeGraph(doc, registryWith(tensorFusion)).nodes.get('n')!;
    expect(info.paramCount).toBe(5 * 17 * 65 * 32 + 32);
  });

  it('names the flattened width symbolically and rejects mismatched batches', () => {
    const reg = registryWith(tensorFusion);
    const doc = singleNodeGraph(tensorFusion, { inputs: { a: randomTensor([2, 3]), b: randomTensor([2, 4]) } });
    doc.nodes[0]!.params['shape'] = 'B, Da';
    expect(analyzeGraph(doc, reg).nodes.get('n')!.outputShapes['z']).toEqual([2, '(Da+1)*5']);
    const bad = analyzeGraph(singleNodeGraph(tensorFusion, { inputs: { a: randomTensor([2, 3]), b: randomTensor([2, 4]), c: randomTensor([4, 4]) } }), reg);
    const p = bad.problems.find((q) => q.severity === 'error')!;
    expect(p.code).toBe('MF_SHAPE_INFER');
    expect(p.message).toContain('"c"');
  });
});
