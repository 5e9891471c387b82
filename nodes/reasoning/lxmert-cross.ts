import { NodeError, choice, defineNode, float, int, tensor, type WeightSpec } from '@modalflow/core';
import { ACTIVATIONS } from '../lib/ops.ts';
import { attentionFlops, multiHeadAttention } from '../lib/attention.ts';
import {
  bertAttentionSpecs,
  bertAttentionView,
  feedForward,
  feedForwardFlops,
  layerNormFlops,
  layerNormSpecs,
  linearSpecs,
  residual,
} from '../lib/transformer.ts';
import '../lib/lowering.ts';

/**
 * LXMERT's cross-modality layers (Tan & Bansal 2019), as Hugging Face LxmertXLayer. With l the
 * language and v the vision stream, each layer is post-norm:
 *   l1 = LN_x(l + XA(l, v)),        v1 = LN_x(v + XA(v, l))        (both read the layer's inputs)
 *   l2 = LN(l1 + SA_l(l1)),         v2 = LN(v1 + SA_v(v1))
 *   l3 = LN(l2 + FFN_l(l2)),        v3 = LN(v2 + FFN_v(v2))
 * XA, including its output projection and norm LN_x, is ONE module used in both directions.
 * Weight names are Hugging Face's under `x_layers.{i}.`: `visual_attention.att.{query,key,value}`,
 * `visual_attention.output.{dense,LayerNorm}`, `{lang,visn}_self_att.self.{query,key,value}`,
 * `{lang,visn}_self_att.output.{dense,LayerNorm}`, `{lang,visn}_inter.dense`,
 * `{lang,visn}_output.{dense,LayerNorm}`, so `lxmert.encoder.x_layers.*` loads by renaming the prefix.
 */
export default defineNode({
  type: 'reasoning.lxmert_cross',
  version: 1,
  category: 'reasoning',
  title: 'LXMERT cross-modality layers',
  views: { attention: ['attn'] },
  doc:
    'The two-stream fusion of LXMERT. Each layer first lets the words look at the image regions and the regions look at the words (cross-attention; both directions use the same learned weights), ' +
    'then lets each stream look at itself (self-attention), then passes each token through its stream\'s own small network. Residual connections and layer norms follow every step. ' +
    'Defaults are LXMERT\'s 5 cross-modality layers at width 768 with 12 heads. `attn` holds the last layer\'s word-to-region attention weights.',
  formula:
    '\\begin{aligned} l &\\leftarrow \\mathrm{LN}(l + \\mathrm{XA}(l, v)),\\; v \\leftarrow \\mathrm{LN}(v + \\mathrm{XA}(v, l)) \\\\ ' +
    'l &\\leftarrow \\mathrm{LN}(l + \\mathrm{SA}_l(l)),\\; v \\leftarrow \\mathrm{LN}(v + \\mathrm{SA}_v(v)) \\\\ ' +
    'l &\\leftarrow \\mathrm{LN}(l + \\mathrm{FFN}_l(l)),\\; v \\leftarrow \\mathrm{LN}(v + \\mathrm{FFN}_v(v)) \\end{aligned}',
  source: 'Tan & Bansal 2019 (LXMERT); Hugging Face transformers LxmertXLayer',
  inputs: {
    lang: tensor('float32', ['B', 'Tl', 'dim'], { description: 'Language tokens [B, Tl, dim]' }),
    vision: tensor('float32', ['B', 'Tv', 'dim'], { description: 'Vision tokens (regions) [B, Tv, dim]' }),
    lang_mask: tensor(['float32', 'int64', 'int32', 'bool', 'uint8'], ['B', 'Tl'], { optional: true, description: 'Language padding mask [B, Tl]: 1 keeps a token' }),
    vision_mask: tensor(['float32', 'int64', 'int32', 'bool', 'uint8'], ['B', 'Tv'], { optional: true, description: 'Vision padding mask [B, Tv]: 1 keeps a region' }),
  },
  outputs: {
    lang: tensor('float32', ['B', 'Tl', 'dim'], { description: 'Language stream after the layers' }),
    vision: tensor('float32', ['B', 'Tv', 'dim'], { description: 'Vision stream after the layers' }),
    attn: tensor('float32', ['B', 'heads', 'Tl', 'Tv'], { description: "Last layer's language-to-vision attention weights" }),
  },
  params: {
    layers: int({ default: 5, min: 1, max: 64, description: 'Cross-modality layers (LXMERT: 5)' }),
    dim: int({ default: 768, min: 1, description: 'Width of both streams' }),
    heads: int({ default: 12, min: 1, description: 'Attention heads; must divide dim' }),
    mlp_dim: int({ default: 3072, min: 1, description: 'FFN hidden width (intermediate_size)' }),
    activation: choice(ACTIVATIONS, { default: 'gelu', description: 'FFN activation' }),
    eps: float({ default: 1e-12, min: 0, max: 1, description: 'LayerNorm epsilon' }),
  },
  infer: ({ dims, params: p }) => {
    if (p.dim % p.heads !== 0) throw new NodeError(`dim ${p.dim} is not divisible by ${p.heads} heads`, { param: 'heads' });
    const [b, tl, tv] = [dims['B']!, dims['Tl']!, dims['Tv']!];
    return { lang: [b, tl, p.dim], vision: [b, tv, p.dim], attn: [b, p.heads, tl, tv] };
  },
  weights: ({ params: p }) => {
    const d = p.dim;
    const out: Record<string, WeightSpec> = {};
    const attentionLayer = (att: string, output: string) => ({
      ...bertAttentionSpecs(att, output, d, d, d),
      ...layerNormSpecs(`${output}LayerNorm.`, d),
    });
    for (let k = 0; k < p.layers; k++) {
      const x = `x_layers.${k}.`;
      Object.assign(
        out,
        attentionLayer(`${x}visual_attention.att.`, `${x}visual_attention.output.`),
        attentionLayer(`${x}lang_self_att.self.`, `${x}lang_self_att.output.`),
        attentionLayer(`${x}visn_self_att.self.`, `${x}visn_self_att.output.`),
        linearSpecs(`${x}lang_inter.dense.`, p.mlp_dim, d),
        linearSpecs(`${x}lang_output.dense.`, d, p.mlp_dim),
        layerNormSpecs(`${x}lang_output.LayerNorm.`, d),
        linearSpecs(`${x}visn_inter.dense.`, p.mlp_dim, d),
        linearSpecs(`${x}visn_output.dense.`, d, p.mlp_dim),
        layerNormSpecs(`${x}visn_output.LayerNorm.`, d),
      );
    }
    return out;
  },
  flops: ({ dims, params: p, size }) => {
    const [b, tl, tv] = [dims['B']!, dims['Tl']!, dims['Tv']!];
    const d = p.dim;
    const rows = size(b) * (size(tl) + size(tv));
    const attn =
      attentionFlops(size, b, tl, tv, d, d, d, p.heads) + attentionFlops(size, b, tv, tl, d, d, d, p.heads) +
      attentionFlops(size, b, tl, tl, d, d, d, p.heads) + attentionFlops(size, b, tv, tv, d, d, d, p.heads);
    const perLayer = attn + feedForwardFlops(rows, d, p.mlp_dim, p.activation) + 3 * (layerNormFlops(rows, d) + rows * d);
    return p.layers * perLayer;
  },
  lower: ({ g, x, w, params: p }) => {
    let lang = x['lang']!;
    let vision = x['vision']!;
    const langMask = x['lang_mask'];
    const visionMask = x['vision_mask'];
    let attn = '';
    for (let k = 0; k < p.layers; k++) {
      const pre = `x_layers.${k}.`;
      g.scope(`x_layers.${k}`, () => {
        const attend = (query: string, context: string, keyMask: string | undefined, att: string, output: string) =>
          multiHeadAttention(g, {
            query, context, keyMask, dim: p.dim, heads: p.heads, prefix: '', w: bertAttentionView(w, `${pre}${att}`, `${pre}${output}`),
          });
        const block = (v: string, norm: string, body: (h: string) => string) => residual(g, v, w, `${pre}${norm}`, 'post', p.eps, body);

        // Both directions read the layer's inputs, through the same cross-attention module.
        let l = block(lang, 'visual_attention.output.LayerNorm.', (h) => {
          const r = attend(h, vision, visionMask, 'visual_attention.att.', 'visual_attention.output.');
          attn = r.weights;
          return r.out;
        });
        let v = block(vision, 'visual_attention.output.LayerNorm.', (h) =>
          attend(h, lang, langMask, 'visual_attention.att.', 'visual_attention.output.').out,
        );
        l = block(l, 'lang_self_att.output.LayerNorm.', (h) => attend(h, h, langMask, 'lang_self_att.self.', 'lang_self_att.output.').out);
        v = block(v, 'visn_self_att.output.LayerNorm.', (h) => attend(h, h, visionMask, 'visn_self_att.self.', 'visn_self_att.output.').out);
        lang = block(l, 'lang_output.LayerNorm.', (h) => feedForward(g, h, w, `${pre}lang_inter.dense.`, `${pre}lang_output.dense.`, p.activation));
        vision = block(v, 'visn_output.LayerNorm.', (h) => feedForward(g, h, w, `${pre}visn_inter.dense.`, `${pre}visn_output.dense.`, p.activation));
      });
    }
    return { lang, vision, attn };
  },
});
