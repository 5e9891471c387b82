import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '@modalflow/core';
import audio, { sinusoids } from './audio.ts';
import { registryWith, runNode, singleNodeGraph } from '../testing/run-node.ts';
import { act, f64, randomTensor, relError } from '../testing/index.ts';
import { getter, layerRef, lnRef, randomWeights } from '../testing/transformer-reference.ts';

/** conv1d with kernel 3, padding 1, over [B, C, T] in float64. */
function conv1dRef(x: Float64Array, B: number, C: number, T: number, w: Float64Array, bias: Float64Array, O: number, stride: number) {
  const To = Math.floor((T + 2 - 3) / stride) + 1;
  const out = new Float64Array(B * O * To);
  for (let b = 0; b < B; b++)
    for (let o = 0; o < O; o++)
      for (let t = 0; t < To; t++) {
        let s = bias[o]!;
        for (let c = 0; c < C; c++)
          for (let k = 0; k < 3; k++) {
            const u = t * stride + k - 1;
            if (u >= 0 && u < T) s += w[(o * C + c) * 3 + k]! * x[(b * C + c) * T + u]!;
          }
        out[(b * O + o) * To + t] = s;
      }
  return { out, To };
}

describe('encoder.audio', () => {
  const params = { n_mels: 6, max_positions: 8, layers: 2, dim: 8, heads: 2, mlp_dim: 16 };
  const B = 2, T = 11;

  it('equals a float64 reference of conv stem + sinusoids + pre-norm layers + final norm', async () => {
    const mel = randomTensor([B, 6, T], 3);
    const weights = randomWeights(audio, { params, inputs: { mel } }, 5);
    const { outputs } = await runNode(audio, { params, inputs: { mel }, weights });
    const get = getter(weights);
    const c1 = conv1dRef(f64(mel), B, 6, T, get('conv1.weight'), get('conv1.bias'), 8, 1);
    const h1 = c1.out.map((v) => act['gelu']!(v));
    const c2 = conv1dRef(h1, B, 8, T, get('conv2.weight'), get('conv2.bias'), 8, 2);
    const To = c2.To;
    expect(To).toBe(6);
    const pos = sinusoids(8, 8);
    let x: Float64Array = new Float64Array(B * To * 8);
    for (let b = 0; b < B; b++) for (let t = 0; t < To; t++) for (let d = 0; d < 8; d++) x[(b * To + t) * 8 + d] = act['gelu']!(c2.out[(b * 8 + d) * To + t]!) + pos[t * 8 + d]!;
    const cfg = { dim: 8, heads: 2, mlpDim: 16, activation: 'gelu', norm: 'pre' as const, eps: 1e-5 };
    for (let k = 0; k < 2; k++) x = layerRef(x, B, To, cfg, get, `layers.${k}.`).y;
    const y = lnRef(x, 8, get, 'final_layer_norm.', 1e-5);
    expect(outputs['y']!.dims).toEqual([B, To, 8]);
    expect(relError(outputs['y']!.data as Float32Array, y)).toBeLessThan(1e-5);
  });

  it('Whisper tiny encoder parameters: 7,632,384 trainable (sinusoids are not parameters)', () => {
    const doc = singleNodeGraph(audio, { inputs: { mel: { dtype: 'float32', dims: [1, 80, 3000], data: new Float32Array(0) } } });
    const a = analyzeGraph(doc, registryWith(audio));
    // conv1 80*384*3+384, conv2 384*384*3+384, 4 layers of 1,774,464 (with key biases), ln_post 768
    expect(a.nodes.get('n')!.outputShapes['y']).toEqual([1, 1500, 384]);
    expect(a.nodes.get('n')!.paramCount).toBe(92544 + 442752 + 4 * 1774464 + 768);
  });

  it('refuses more positions than max_positions, naming the port', () => {
    const doc = singleNodeGraph(audio, { params, inputs: { mel: { dtype: 'float32', dims: [1, 6, 40], data: new Float32Array(0) } } });
    const a = analyzeGraph(doc, registryWith(audio));
    expect(a.problems.map((p) => p.message).join('\n')).toMatch(/20 positions after the stride-2 convolution exceed max_positions 8/);
  });
});
