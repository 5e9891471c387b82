import { describe, expect, it } from 'vitest';
import { choice, defineNode, int, tensor } from '@modalflow/core';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { add, ffnRef, getter, lnRef, mhaRef, randomWeights } from '../testing/transformer-reference.ts';
import { NORM_PLACEMENTS, transformerLayer, transformerLayerSpecs, type LayerConfig } from './transformer.ts';
import './lowering.ts';

/** A one-layer node exposing the cross-attention sublayer, which no published node uses alone. */
const crossLayer = defineNode({
  type: 'test.cross_layer',
  version: 1,
  category: 'reasoning',
  title: 'cross layer',
  inputs: {
    x: tensor('float32', ['B', 'T', 8]),
    context: tensor('float32', ['B', 'Tc', 6]),
    context_mask: tensor('int64', ['B', 'Tc'], { optional: true }),
  },
  outputs: { y: tensor('float32', ['B', 'T', 8]), cross: tensor('float32', ['B', 2, 'T', 'Tc']) },
  params: { norm: choice(NORM_PLACEMENTS, { default: 'post' }), mlp: int({ default: 12 }) },
  weights: ({ params }) => transformerLayerSpecs('', config(params.norm, params.mlp)),
  lower: ({ g, x, w, params }) => {
    const r = transformerLayer(g, w, '', config(params.norm, params.mlp), x['x']!, { context: x['context']!, contextMask: x['context_mask'] });
    return { y: r.y, cross: r.crossAttn! };
  },
});

function config(norm: 'pre' | 'post', mlp: number): LayerConfig {
  return { dim: 8, heads: 2, mlpDim: mlp, activation: 'gelu', norm, eps: 1e-6, crossDim: 6 };
}

describe('lib/transformer cross-attention sublayer (ALBEF fusion layer)', () => {
  for (const norm of NORM_PLACEMENTS) {
    it(`${norm}-norm: self-attention -> cross-attention -> FFN matches float64`, async () => {
      const x = randomTensor([2, 3, 8], 101);
      const context = randomTensor([2, 5, 6], 102);
      const cm = [1, 1, 1, 0, 0, 1, 1, 1, 1, 1];
      const inputs = { x, context, context_mask: { dtype: 'int64' as const, dims: [2, 5], data: BigInt64Array.from(cm, BigInt) } };
      const weights = randomWeights(crossLayer, { params: { norm }, inputs }, 103);
      expect(weights['cross_attn.k_proj.weight']!.dims).toEqual([8, 6]);
      const { outputs } = await runNode(crossLayer, { params: { norm }, inputs, weights });

      const get = getter(weights);
      const sub = (p: string) => (n: string) => get(`${p}${n}`);
      const ln = (h: ArrayLike<number>, n: string) => lnRef(h, 8, get, `${n}.`, 1e-6);
      const sa = (h: ArrayLike<number>) => mhaRef(h, h, 2, 3, 3, 8, 8, 8, 2, sub('self_attn.')).out;
      const ca = (h: ArrayLike<number>) => mhaRef(h, f64(context), 2, 3, 5, 8, 6, 8, 2, sub('cross_attn.'), { keyMask: cm });
      const ffn = (h: ArrayLike<number>) => ffnRef(h, 8, 12, get, 'mlp.fc1.', 'mlp.fc2.', 'gelu');
      let h: Float64Array = f64(x);
      let cross: Float64Array;
      if (norm === 'pre') {
        h = add(h, sa(ln(h, 'layer_norm1')));
        const c = ca(ln(h, 'layer_norm_cross'));
        cross = c.weights;
        h = add(h, c.out);
        h = add(h, ffn(ln(h, 'layer_norm2')));
      } else {
        h = ln(add(h, sa(h)), 'layer_norm1');
        const c = ca(h);
        cross = c.weights;
        h = ln(add(h, c.out), 'layer_norm_cross');
        h = ln(add(h, ffn(h)), 'layer_norm2');
      }
      expect(relError(f64(outputs['y']!), h)).toBeLessThanOrEqual(1e-5);
      expect(relError(f64(outputs['cross']!), cross)).toBeLessThanOrEqual(1e-5);
      const a = f64(outputs['cross']!);
      for (let hd = 0; hd < 2; hd++) for (let i = 0; i < 3; i++) {
        expect(a[(hd * 3 + i) * 5 + 3]).toBe(0);
        expect(a[(hd * 3 + i) * 5 + 4]).toBe(0);
      }
    });
  }

  it('names the sublayer cross_attn / layer_norm_cross between self-attention and the MLP', () => {
    const names = Object.keys(transformerLayerSpecs('layers.0.', config('post', 12)));
    const at = (n: string) => names.indexOf(n);
    expect(at('layers.0.layer_norm1.bias')).toBeLessThan(at('layers.0.cross_attn.q_proj.weight'));
    expect(at('layers.0.layer_norm_cross.bias')).toBeLessThan(at('layers.0.mlp.fc1.weight'));
  });
});
