import { NodeError, choice, defineNode, int, string, tensor, type Dim } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import { lowerStack, stackFlops, stackParams, stackWeightSpecs, type StackParams } from '../lib/transformer.ts';
import '../lib/lowering.ts';

type Params = StackParams & { frames: number; mode: 'mean' | 'transformer'; clips: string };

/**
 * Temporal fusion of per-frame embeddings (CLIP4Clip, Luo et al. 2021, modules/modeling.py):
 *   X = reshape(x, [B, F, D]);  mean:        v = (1/F) sum_f X_f
 *   transformer ("seqTransf"):  H = Transformer(X + P) + X,  v = (1/F) sum_f H_f
 * with P a learned table of frame positions (`frame_position_embeddings`) and CLIP's pre-norm
 * residual attention blocks. `seq` is X (mean) or H (transformer) for heads that read every frame.
 */
export default defineNode({
  type: 'pool.temporal',
  version: 1,
  category: 'pooling',
  title: 'Temporal pooling',
  doc: 'Turns the picture vectors of video frames into one vector per clip. The frames of each clip arrive one after another (N = clips x frames, as *Video input* gives them); set `frames` to the same count. `mean` averages them (CLIP4Clip\'s meanP, no weights: a strong baseline). `transformer` first lets the frames attend to each other, with a learned position per frame so order matters (CLIP4Clip\'s seqTransf), adds the result to the frames and then averages.',
  formula: 'v = \\frac{1}{F}\\sum_f H_f,\\quad H = X\\ \\text{(mean)}\\ \\text{or}\\ \\mathrm{Transformer}(X + P) + X',
  source: 'Luo et al. 2021 (CLIP4Clip), ArrowLuo/CLIP4Clip modules/modeling.py get_similarity_logits (meanP, seqTransf)',
  inputs: { x: tensor('float32', ['N', 'dim'], { description: 'Per-frame vectors [clips x frames, dim], frames of a clip consecutive' }) },
  outputs: {
    pooled: tensor('float32', ['B', 'dim'], { description: 'One vector per clip [B, dim]' }),
    seq: tensor('float32', ['B', 'frames', 'dim'], { description: 'Per-frame states [B, frames, dim]' }),
  },
  params: {
    frames: int({ default: 8, min: 1, max: 1024, description: 'Frames per clip (the video input\'s frames)' }),
    mode: choice(['mean', 'transformer'], { default: 'mean', description: 'mean (meanP) or a temporal transformer (seqTransf)' }),
    clips: string({ default: 'B', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Name of the clip axis of the outputs' }),
    ...stackParams({ layers: 4, dim: 512, heads: 8, activation: 'quick_gelu', norm: 'pre', eps: 1e-5, pre_norm: false, final_norm: false }),
  },
  infer: ({ inputs, params: raw }) => {
    const p = raw as Params;
    const [n, d] = inputs['x']! as [Dim, Dim];
    if (typeof d === 'number' && d !== p.dim) throw new NodeError(`x has width ${d} but dim is ${p.dim}`, { port: 'x' });
    if (p.mode === 'transformer' && p.dim % p.heads !== 0) throw new NodeError(`dim ${p.dim} is not divisible by ${p.heads} heads`, { param: 'heads' });
    let b: Dim = p.clips;
    if (n === p.clips && p.frames !== 1) {
      // The rows are clips x frames, so they cannot share the clip axis's symbol.
      throw new NodeError(`x has ${n} rows, the same symbol as the clip axis "${p.clips}", but it holds ${p.frames} frames per clip; give clips another name`, { param: 'clips' });
    }
    if (typeof n === 'number') {
      if (n % p.frames !== 0) throw new NodeError(`${n} frame vectors are not a whole number of ${p.frames}-frame clips`, { port: 'x' });
      b = n / p.frames;
    }
    return { pooled: [b, p.dim], seq: [b, p.frames, p.dim] };
  },
  checkInput: (inputs, { params }) => {
    const n = inputs['x']?.[0];
    const f = (params as Params).frames;
    if (n === undefined || n % f === 0) return undefined;
    return { code: 'MF_BAD_INPUT', port: 'x', message: `${n} frame vectors are not a whole number of ${f}-frame clips; set frames to the video input's frames` };
  },
  weights: ({ params }) => {
    const p = params as Params;
    if (p.mode === 'mean') return {};
    return {
      'frame_position_embeddings.weight': { shape: [p.frames, p.dim], init: { kind: 'uniform', bound: Math.sqrt(3) * 0.02 } },
      ...stackWeightSpecs(p),
    };
  },
  flops: ({ inputs, params, size }) => {
    const p = params as Params;
    const n = size(inputs['x']![0]!);
    const b = Math.max(1, Math.floor(n / p.frames));
    const pool = n * p.dim;
    return p.mode === 'mean' ? pool : pool + 2 * n * p.dim + stackFlops(size, [b, p.frames], p);
  },
  lower: ({ g, x, w, params }) => {
    const p = params as Params;
    const seq = g.op('Reshape', [x['x']!, g.constInt64([-1, p.frames, p.dim])]);
    let h = seq;
    if (p.mode === 'transformer') {
      const withPos = g.op('Add', [seq, w['frame_position_embeddings.weight']!]);
      h = g.op('Add', [lowerStack(g, w, p, withPos).y, seq]);
    }
    return { pooled: g.op('ReduceMean', [h], { axes: ints([1]), keepdims: i(0) }), seq: h };
  },
});
