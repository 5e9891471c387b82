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

/**
 * Single-stream fusion: one transformer stack over the concatenated text and image tokens, as
 * UNITER (post-norm BERT layers) and ViLT (pre-norm ViT layers with a final norm):
 *   post: x = LN1(x + MHA(x));  x = LN2(x + fc2(act(fc1(x))))
 *   pre:  x = x + MHA(LN1(x));  x = x + fc2(act(fc1(LN2(x))))
 * Every token attends to every token of both modalities. The layers are those of
 * encoder.transformer (lib/transformer.ts), with the same Hugging Face CLIP-style weight names
 * (`layers.{i}.self_attn.{q,k,v,out}_proj`, `layers.{i}.layer_norm1/2`, `layers.{i}.mlp.fc1/fc2`);
 * `naming: bert` gives BERT's names instead (`layer.{i}.attention.self.query`,
 * `layer.{i}.attention.output.{dense,LayerNorm}`, `layer.{i}.intermediate.dense`,
 * `layer.{i}.output.{dense,LayerNorm}`), so UNITER's checkpoint maps on by renaming a prefix.
 * The same optional cross-attention sublayer as encoder.transformer (layers from `cross_from`
 * on read `context`) is available here too.
 */
export default defineNode({
  type: 'reasoning.self_attention',
  version: 1,
  category: 'reasoning',
  title: 'Self-attention fusion (single stream)',
  doc:
    'The single-stream core of UNITER and ViLT: put the text tokens and the image tokens in one sequence and run a transformer over it, so every word can attend to every image region and vice versa from the first layer on. ' +
    'Concatenate the two token sequences (and their masks) first; add modality-type embeddings if the model uses them. ' +
    'Defaults are UNITER-base (12 post-norm layers, width 768, 12 heads, MLP 3072, GELU); for ViLT choose pre-norm with eps 1e-12 and a final norm. ' +
    '`attn` holds the last layer\'s attention weights, where cross-modal attention can be inspected. ' +
    'Choose `naming: bert` to name the weights as BERT/UNITER checkpoints do.',
  formula: 'x \\leftarrow \\mathrm{LN}_1(x + \\mathrm{MHA}(x)),\\; x \\leftarrow \\mathrm{LN}_2(x + W_2\\,\\phi(W_1 x)),\\quad x = [\\,t\\,;\\, v\\,]',
  source: 'Chen et al. 2020 (UNITER); Kim et al. 2021 (ViLT); Hugging Face transformers ViltEncoder',
  inputs: {
    x: tensor('float32', ['B', 'T', 'dim'], { description: 'Fused token sequence [B, T, dim] (text and image tokens concatenated)' }),
    mask: tensor(['float32', 'int64', 'int32', 'bool', 'uint8'], ['B', 'T'], {
      optional: true,
      description: 'Key padding mask [B, T]: 1 keeps a token, 0 hides it from attention',
    }),
    ...stackContextPorts(),
  },
  outputs: {
    y: tensor('float32', ['B', 'T', 'dim'], { description: 'Fused sequence after the stack' }),
    attn: tensor('float32', ['B', 'heads', 'T', 'T'], { description: "Last layer's attention weights (rows sum to 1)" }),
    cross_attn: crossAttnPort(),
  },
  params: stackParams({
    layers: 12, dim: 768, heads: 12, activation: 'gelu', norm: 'post', eps: 1e-12, pre_norm: false, final_norm: false,
  }),
  infer: (ctx) => stackInfer(ctx),
  weights: ({ params, inputs, need }) => stackNodeWeights(params, inputs, need),
  flops: ({ inputs, params, size }) => stackFlops(size, inputs['x']!, params, inputs['context']),
  lower: ({ g, x, w, params, inputs }) => lowerStackNode(g, w, params, x, inputs),
});
