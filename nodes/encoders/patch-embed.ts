import { NodeError, bool, defineNode, dimAdd, dimMul, int, linearBound, tensor, type Dim, type WeightSpec } from '@modalflow/core';
import { i, ints, s } from '@modalflow/onnx';
import '../lib/lowering.ts';

/**
 * Patch embedding of a vision transformer (Dosovitskiy et al. 2021), as CLIP's and ViLT's:
 *   z_n = W * x[patch n] (+ b),   tokens = [c ; z_1 ; ... ; z_N] + E_pos
 * where W * . is a Conv2d with kernel = stride = patch, patches are taken row by row, c is the
 * learned class embedding and E_pos the learned position table [1+N, D]. When the image's patch
 * grid differs from the trained one (image_size / patch per side), the grid part of E_pos is
 * resized bilinearly with align_corners=True, as ViLT's `visual_embed`. Weight names follow
 * Hugging Face CLIPVisionEmbeddings: `patch_embedding.weight` [D, C, P, P] (+ `.bias`, ViLT),
 * `class_embedding` [D], `position_embedding.weight` [1+N, D].
 */
export default defineNode({
  type: 'encoder.patch_embed',
  version: 1,
  category: 'encoders',
  title: 'Patch embedding (ViT)',
  views: { patches: { pixels: 'pixels', size: 'patch', classToken: 'class_token' } },
  doc:
    'Cuts the image into square patches, turns each patch into a vector with one learned linear map (a convolution whose kernel and stride are the patch size), ' +
    'optionally puts a learned class token in front, and adds a learned position vector to every token so the transformer knows where each patch came from. ' +
    'Defaults are CLIP ViT-B/32 (224×224 images, 32×32 patches, width 768, no conv bias). ' +
    'With `interpolate` on, images whose patch grid differs from the trained one get their position grid resized bilinearly (ViLT). ' +
    '`mask` marks which tokens are real image (1) and which fall on padding (0), read from `pixel_mask` when it is connected.',
  formula: '\\mathrm{tokens} = [\\,c\\,;\\; W * x_{1}\\,;\\; \\dots\\,;\\; W * x_{N}\\,] + E_{\\mathrm{pos}}',
  source: 'Dosovitskiy et al. 2021 (ViT); Hugging Face transformers CLIPVisionEmbeddings and ViltEmbeddings.visual_embed',
  inputs: {
    pixels: tensor('float32', ['B', 'channels', 'H', 'W'], { description: 'Normalised images [B, C, H, W]' }),
    pixel_mask: tensor(['float32', 'int64', 'int32', 'bool', 'uint8'], ['B', 'H', 'W'], {
      optional: true,
      description: 'Which pixels are image (1) rather than padding (0), [B, H, W] (ViLT)',
    }),
  },
  outputs: {
    tokens: tensor('float32', ['B', 'N', 'dim'], { description: 'Patch tokens [B, 1+N, dim] (class token first)' }),
    mask: tensor('int64', ['B', 'N'], { description: 'Token mask [B, 1+N]: 1 for image patches and the class token' }),
  },
  params: {
    patch: int({ default: 32, min: 1, description: 'Patch side in pixels (kernel and stride of the conv)' }),
    dim: int({ default: 768, min: 1, description: 'Token width' }),
    image_size: int({ default: 224, min: 1, description: 'Side of the square images the position table was trained for' }),
    channels: int({ default: 3, min: 1, description: 'Image channels' }),
    class_token: bool({ default: true, description: 'Prepend a learned class token' }),
    bias: bool({ default: false, description: 'Conv bias (CLIP: none; ViLT: yes)' }),
    interpolate: bool({ default: false, description: 'Resize the position grid bilinearly when the patch grid differs from the trained one' }),
  },
  infer: ({ inputs, params: p }) => {
    if (p.image_size % p.patch !== 0) {
      throw new NodeError(`image_size ${p.image_size} is not a multiple of patch ${p.patch}`, { param: 'image_size' });
    }
    const g0 = p.image_size / p.patch;
    const px = inputs['pixels']!;
    const side = (d: Dim, what: string): Dim => {
      if (typeof d !== 'number') return `${d}/${p.patch}`;
      if (d % p.patch !== 0) throw new NodeError(`image ${what} ${d} is not a multiple of patch ${p.patch}; pad or resize it`, { port: 'pixels' });
      return d / p.patch;
    };
    const gh = side(px[2]!, 'height');
    const gw = side(px[3]!, 'width');
    let n: Dim;
    if (p.interpolate) {
      n = dimMul(gh, gw);
    } else {
      if ((typeof gh === 'number' && gh !== g0) || (typeof gw === 'number' && gw !== g0)) {
        throw new NodeError(
          `the image gives a ${String(gh)}×${String(gw)} patch grid but the position table is for ${g0}×${g0} (image_size ${p.image_size}); resize the image or turn on interpolate`,
          { port: 'pixels' },
        );
      }
      n = g0 * g0;
    }
    const t = p.class_token ? dimAdd(n, 1) : n;
    return { tokens: [px[0]!, t, p.dim], mask: [px[0]!, t] };
  },
  weights: ({ params: p }) => {
    const g0 = p.image_size / p.patch;
    const fanIn = p.channels * p.patch * p.patch;
    // Hugging Face CLIP inits the conv and the positions with std 0.02 and the class
    // embedding with std dim^-0.5; uniform(±std·√3) has the same variance.
    const std = (sd: number) => ({ kind: 'uniform' as const, bound: sd * Math.sqrt(3) });
    const out: Record<string, WeightSpec> = {
      'patch_embedding.weight': { shape: [p.dim, p.channels, p.patch, p.patch], init: std(0.02) },
    };
    if (p.bias) out['patch_embedding.bias'] = { shape: [p.dim], init: { kind: 'uniform', bound: linearBound(fanIn) } };
    if (p.class_token) out['class_embedding'] = { shape: [p.dim], init: std(1 / Math.sqrt(p.dim)) };
    out['position_embedding.weight'] = { shape: [g0 * g0 + (p.class_token ? 1 : 0), p.dim], init: std(0.02) };
    return out;
  },
  flops: ({ inputs, params: p, size }) => {
    const px = inputs['pixels']!;
    const b = size(px[0]!);
    const [h, w] = [px[2]!, px[3]!];
    // A symbolic image size is costed at the trained resolution.
    const n = typeof h === 'number' && typeof w === 'number' ? (h / p.patch) * (w / p.patch) : (p.image_size / p.patch) ** 2;
    const conv = b * n * p.dim * (2 * p.channels * p.patch * p.patch + (p.bias ? 1 : 0));
    const resize = p.interpolate ? 8 * n * p.dim : 0;
    return conv + resize + b * (n + (p.class_token ? 1 : 0)) * p.dim;
  },
  lower: ({ g, x, w, params: p }) => {
    const g0 = p.image_size / p.patch;
    const conv = g.op('Conv', [x['pixels']!, w['patch_embedding.weight']!, ...(p.bias ? [w['patch_embedding.bias']!] : [])], {
      kernel_shape: ints([p.patch, p.patch]),
      strides: ints([p.patch, p.patch]),
    });
    // [B, D, gh, gw] -> [B, gh*gw, D]: patches in row-major order, as flatten(2).transpose(1, 2).
    const patches = g.op('Transpose', [g.op('Reshape', [conv, g.constInt64([0, 0, -1])])], { perm: ints([0, 2, 1]) });
    const table = w['position_embedding.weight']!;
    const first = p.class_token ? 1 : 0;
    let grid = p.class_token
      ? g.op('Slice', [table, g.constInt64([1]), g.constInt64([1 + g0 * g0]), g.constInt64([0])])
      : table;
    if (p.interpolate) {
      const square = g.op('Transpose', [g.op('Reshape', [grid, g.constInt64([1, g0, g0, p.dim])])], { perm: ints([0, 3, 1, 2]) });
      const sizes = g.op('Concat', [g.constInt64([1, p.dim]), g.op('Shape', [conv], { start: i(2) })], { axis: i(0) });
      const resized = g.op('Resize', [square, '', '', sizes], {
        mode: s('linear'),
        coordinate_transformation_mode: s('align_corners'),
      });
      grid = g.op('Transpose', [g.op('Reshape', [resized, g.constInt64([0, 0, -1])])], { perm: ints([0, 2, 1]) });
    }
    let tokens = g.op('Add', [patches, grid]);
    const batch = g.op('Shape', [x['pixels']!], { start: i(0), end: i(1) });
    const ones = (shape: string) =>
      g.op('ConstantOfShape', [shape], { value: { kind: 'tensor', value: { dtype: 'int64', dims: [1], data: BigInt64Array.of(1n) } } });
    if (p.class_token) {
      const clsPos = g.op('Slice', [table, g.constInt64([0]), g.constInt64([first]), g.constInt64([0])]);
      const cls = g.op('Reshape', [g.op('Add', [w['class_embedding']!, clsPos]), g.constInt64([1, 1, p.dim])]);
      const expanded = g.op('Expand', [cls, g.op('Concat', [batch, g.constInt64([1, p.dim])], { axis: i(0) })]);
      tokens = g.op('Concat', [expanded, tokens], { axis: i(1) });
    }
    let mask: string;
    if (x['pixel_mask']) {
      // A patch is image when its top-left pixel is: nearest-neighbour downsampling by the
      // patch size, as ViLT's F.interpolate(pixel_mask, size=grid).
      const step = g.op('Slice', [x['pixel_mask'], g.constInt64([0, 0]), g.constInt64([2 ** 53, 2 ** 53]), g.constInt64([1, 2]), g.constInt64([p.patch, p.patch])]);
      mask = g.op('Reshape', [g.op('Cast', [step], { to: i(7) }), g.constInt64([0, -1])]);
      if (p.class_token) {
        const one = ones(g.op('Concat', [batch, g.constInt64([1])], { axis: i(0) }));
        mask = g.op('Concat', [one, mask], { axis: i(1) });
      }
    } else {
      mask = ones(g.op('Shape', [tokens], { start: i(0), end: i(2) }));
    }
    return { tokens, mask };
  },
});
