import { defineNode, tensor } from '@modalflow/core';
import {
  crossAttnPort,
  lowerStackNode,
  stackContextPorts,
  stackFlops,
  stackInfer,
  stackNodeWeights,
  stackParams,
} from '../lib/transformer.ts';
import '../lib/lowering.ts';

/** UNITER-base's layers, where the defaults are CLIP's: what single-stream fusion starts from. */
const SINGLE_STREAM = { activation: 'gelu', norm: 'post', eps: 1e-12 };

/**
 * A stack of transformer encoder layers (Vaswani et al. 2017), with the norm placed as in
 * CLIP/ViT (pre) or BERT (post):
 *   pre:  x = x + MHA(LN1(x));  [x = x + MHA(LNc(x), c);]  x = x + fc2(act(fc1(LN2(x))))
 *   post: x = LN1(x + MHA(x));  [x = LNc(x + MHA(x, c));]  x = LN2(x + fc2(act(fc1(x))))
 * optionally preceded by `pre_layrnorm` (CLIP vision) and followed by `final_layer_norm`
 * (CLIP text, ViLT). Layers from `cross_from` on add the bracketed cross-attention sublayer over
 * a context sequence c, as the fusion layers of ALBEF's BERT (salesforce/ALBEF models/xbert.py,
 * `BertLayer` with `crossattention`). Weight names follow Hugging Face CLIPEncoder
 * (`layers.{i}.self_attn.{q,k,v,out}_proj`, `layers.{i}.layer_norm1/2`, `layers.{i}.mlp.fc1/fc2`,
 * `layers.{i}.cross_attn.*`, `layers.{i}.layer_norm_cross`) or, with `naming: bert`, BertEncoder
 * (`layer.{i}.attention.self.query`, `layer.{i}.attention.output.{dense,LayerNorm}`,
 * `layer.{i}.crossattention.*`, `layer.{i}.intermediate.dense`, `layer.{i}.output.{dense,LayerNorm}`).
 */
export default defineNode({
  type: 'encoder.transformer',
  version: 1,
  category: 'encoders',
  title: 'Transformer encoder',
  views: { attention: ['attn', 'cross_attn'] },
  doc:
    'A stack of transformer layers. In each layer every token looks at every other token (multi-head self-attention) and mixes in what it finds, then each token goes through a small two-layer network (the MLP). Residual connections and layer norms keep the signal stable. ' +
    'The defaults are the CLIP ViT-B/32 image tower (12 layers, width 768, 12 heads, MLP 3072, quick GELU, pre-norm). ' +
    'Turn on `causal` for a text tower such as CLIP\'s, where each token may only look at earlier ones, and connect `mask` to hide padding tokens. ' +
    'To let the tokens read a second sequence (ALBEF\'s fusion layers: words reading image patches), connect it to `context` and set `cross_from` to the first layer that should do so: from there on each layer adds a cross-attention step between self-attention and the MLP. ' +
    'Choose `naming: bert` to name the weights as BERT checkpoints do. ' +
    'Over text and image tokens concatenated into one sequence it is single-stream fusion (UNITER, ViLT): the palette offers it with UNITER\'s settings under Reasoning. ' +
    'The `attn` and `cross_attn` outputs hold the last layer\'s attention weights for visualisation.',
  formula:
    '\\text{pre: } x \\leftarrow x + \\mathrm{MHA}(\\mathrm{LN}_1(x)),\\; [x \\leftarrow x + \\mathrm{MHA}(\\mathrm{LN}_c(x), c)],\\; x \\leftarrow x + W_2\\,\\phi(W_1 \\mathrm{LN}_2(x)) \\qquad ' +
    '\\text{post: } x \\leftarrow \\mathrm{LN}_1(x + \\mathrm{MHA}(x)),\\; [x \\leftarrow \\mathrm{LN}_c(x + \\mathrm{MHA}(x, c))],\\; x \\leftarrow \\mathrm{LN}_2(x + W_2\\,\\phi(W_1 x))',
  source: 'Vaswani et al. 2017; Hugging Face transformers CLIPEncoder (pre-norm) and BertEncoder (post-norm); Li et al. 2021 (ALBEF, salesforce/ALBEF models/xbert.py) for the cross-attending layers; Chen et al. 2020 (UNITER) and Kim et al. 2021 (ViLT) for single-stream fusion',
  inputs: {
    x: tensor('float32', ['B', 'T', 'dim'], { description: 'Token sequence [B, T, dim]' }),
    mask: tensor(['float32', 'int64', 'int32', 'bool', 'uint8'], ['B', 'T'], {
      optional: true,
      description: 'Key padding mask [B, T]: 1 keeps a token, 0 hides it from attention',
    }),
    ...stackContextPorts(),
  },
  outputs: {
    y: tensor('float32', ['B', 'T', 'dim'], { description: 'Encoded sequence' }),
    attn: tensor('float32', ['B', 'heads', 'T', 'T'], { description: "Last layer's attention weights (rows sum to 1)" }),
    cross_attn: crossAttnPort(),
  },
  params: stackParams({
    layers: 12, dim: 768, heads: 12, activation: 'quick_gelu', norm: 'pre', eps: 1e-5, pre_norm: false, final_norm: false,
  }),
  presets: [
    {
      name: 'single_stream',
      title: 'Self-attention fusion (single stream)',
      category: 'reasoning',
      doc:
        'The single-stream core of UNITER and ViLT: put the text tokens and the image tokens in one sequence and run a transformer over it, so every word can attend to every image region and vice versa from the first layer on. ' +
        'Concatenate the two token sequences (and their masks) first; add modality-type embeddings if the model uses them. ' +
        'These params are UNITER-base (12 post-norm layers, width 768, 12 heads, MLP 3072, GELU, eps 1e-12); for ViLT choose pre-norm and a final norm. ' +
        '`attn` holds the last layer\'s attention weights, where cross-modal attention can be inspected.',
      params: SINGLE_STREAM,
    },
  ],
  // The single-stream fusion node ran these same layers with other defaults.
  replaces: [
    { type: 'reasoning.self_attention', version: 1, into: 1, params: (p) => ({ ...SINGLE_STREAM, ...p }), label: 'Self-attention fusion (single stream)' },
  ],
  infer: (ctx) => stackInfer(ctx),
  weights: ({ params, inputs, need }) => stackNodeWeights(params, inputs, need),
  flops: ({ inputs, params, size }) => stackFlops(size, inputs['x']!, params, inputs['context']),
  lower: ({ g, x, w, params, inputs }) => lowerStackNode(g, w, params, x, inputs),
});
