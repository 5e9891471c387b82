import { NodeError, choice, defineNode, int, linearBound, tensor, type Dim, type WeightSpec } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import { activation } from '../lib/ops.ts';
import { lowerStack, stackFlops, stackInfer, stackParams, stackWeightSpecs, type StackParams } from '../lib/transformer.ts';
import '../lib/lowering.ts';

/** Whisper's sinusoids(length, channels): [sin(t / 10000^(k/(C/2-1))), cos(...)] for k < C/2. */
export function sinusoids(length: number, channels: number): Float32Array {
  const half = channels / 2;
  const inc = Math.log(10000) / (half - 1);
  const out = new Float32Array(length * channels);
  for (let t = 0; t < length; t++) {
    for (let k = 0; k < half; k++) {
      const a = t * Math.exp(-inc * k);
      out[t * channels + k] = Math.sin(a);
      out[t * channels + half + k] = Math.cos(a);
    }
  }
  return out;
}

type Params = StackParams & { n_mels: number; max_positions: number; positions: 'sinusoidal' | 'learned' };

function convSpecs(prefix: string, out: number, inp: number, k: number): Record<string, WeightSpec> {
  const bound = linearBound(inp * k);
  return {
    [`${prefix}weight`]: { shape: [out, inp, k], init: { kind: 'uniform', bound } },
    [`${prefix}bias`]: { shape: [out], init: { kind: 'uniform', bound } },
  };
}

const halve = (t: Dim): Dim => (typeof t === 'number' ? Math.floor((t - 1) / 2) + 1 : `${t}/2`);

/**
 * Whisper's audio encoder (Radford et al. 2022, openai/whisper model.py AudioEncoder):
 *   h = GELU(conv1(mel)), h = GELU(conv2(h)) (kernel 3, padding 1; conv2 stride 2),
 *   x = h^T + P[:T/2], then pre-norm transformer layers and a final LayerNorm (ln_post).
 * P is Whisper's fixed sinusoids, or learned positions (AST-style). Weight names follow Hugging
 * Face WhisperEncoder (`conv1`, `conv2`, `embed_positions`, `layers.{i}.self_attn.*`;
 * ln_post is `final_layer_norm`, Hugging Face's `layer_norm`). Unlike Whisper, keys have a bias
 * (the shared attention block has one), so a checkpoint's missing k_proj.bias loads as zeros.
 */
export default defineNode({
  type: 'encoder.audio',
  version: 1,
  category: 'encoders',
  title: 'Audio encoder (Whisper-style)',
  doc: 'Reads a log-mel spectrogram and gives one vector per 20 ms of sound. Two 1-D convolutions slide along time over the mel bands (the second halves the frame rate), positions are added so the model knows when each sound happened, and transformer layers let every moment attend to every other. The defaults are the Whisper tiny encoder (4 layers, width 384, 6 heads). Pool the output (mean) for one vector per clip, as audio-text retrieval needs.',
  formula: 'h = \\mathrm{GELU}(W_2 * \\mathrm{GELU}(W_1 * M)),\\quad x = h^\\top + P,\\quad y = \\mathrm{LN}(\\mathrm{Transformer}(x))',
  source: 'Radford et al. 2022 (Whisper), openai/whisper model.py AudioEncoder; Hugging Face WhisperEncoder weight names',
  inputs: { mel: tensor('float32', ['B', 'n_mels', 'T'], { description: 'Log-mel spectrogram [B, n_mels, frames]' }) },
  outputs: {
    y: tensor('float32', ['B', 'T2', 'dim'], { description: 'One vector per two frames [B, ceil(T/2), dim]' }),
    attn: tensor('float32', ['B', 'heads', 'T2', 'T2'], { description: "Last layer's attention weights" }),
  },
  params: {
    n_mels: int({ default: 80, min: 1, description: 'Mel bands of the input (Whisper: 80; large-v3: 128)' }),
    max_positions: int({ default: 1500, min: 1, description: 'Longest sequence after the stride-2 convolution (Whisper: 1500 = 30 s)' }),
    positions: choice(['sinusoidal', 'learned'], { default: 'sinusoidal', description: 'Fixed sinusoids (Whisper) or a learned table (AST)' }),
    ...stackParams({ layers: 4, dim: 384, heads: 6, activation: 'gelu', norm: 'pre', eps: 1e-5, pre_norm: false, final_norm: true }),
  },
  infer: (ctx) => {
    const p = ctx.params as Params;
    if (p.positions === 'sinusoidal' && p.dim % 2 !== 0) throw new NodeError(`sinusoidal positions need an even dim, not ${p.dim}`, { param: 'dim' });
    const t2 = halve(ctx.inputs['mel']![2]!);
    if (typeof t2 === 'number' && t2 > p.max_positions) {
      throw new NodeError(`${t2} positions after the stride-2 convolution exceed max_positions ${p.max_positions}`, { port: 'mel' });
    }
    const b = ctx.inputs['mel']![0]!;
    const s = stackInfer({ ...ctx, inputs: { x: [b, t2, p.dim] } });
    return { y: s.y, attn: s.attn };
  },
  weights: ({ params }) => {
    const p = params as Params;
    return {
      ...convSpecs('conv1.', p.dim, p.n_mels, 3),
      ...convSpecs('conv2.', p.dim, p.dim, 3),
      ...(p.positions === 'learned' ? { 'embed_positions.weight': { shape: [p.max_positions, p.dim], init: { kind: 'uniform' as const, bound: Math.sqrt(3) * 0.02 } } } : {}),
      ...stackWeightSpecs(p),
    };
  },
  flops: ({ inputs, params, size }) => {
    const p = params as Params;
    const [b, , t] = inputs['mel']!.map(size) as [number, number, number];
    const t2 = Math.floor((t - 1) / 2) + 1;
    const convs = 2 * b * t * p.dim * p.n_mels * 3 + 2 * b * t2 * p.dim * p.dim * 3 + 8 * b * (t + t2) * p.dim;
    return convs + stackFlops(size, [inputs['mel']![0]!, t2], p);
  },
  lower: ({ g, x, w, params }) => {
    const p = params as Params;
    const conv = (h: string, name: string, stride: number) =>
      g.op('Conv', [h, w[`${name}.weight`]!, w[`${name}.bias`]!], { kernel_shape: ints([3]), pads: ints([1, 1]), strides: ints([stride]) });
    let h = activation(g, conv(x['mel']!, 'conv1', 1), 'gelu');
    h = activation(g, conv(h, 'conv2', 2), 'gelu');
    h = g.op('Transpose', [h], { perm: ints([0, 2, 1]) }); // [B, T2, dim]
    const table = p.positions === 'learned'
      ? w['embed_positions.weight']!
      : g.constant({ dtype: 'float32', dims: [p.max_positions, p.dim], data: sinusoids(p.max_positions, p.dim) }, 'positions');
    const t2 = g.op('Gather', [g.op('Shape', [h]), g.constInt64([1])], { axis: i(0) });
    h = g.op('Add', [h, g.op('Slice', [table, g.constInt64([0]), t2, g.constInt64([0])])]);
    const s = lowerStack(g, w, p, h);
    return { y: s.y, attn: s.attn };
  },
});
