import { NodeError, choice, defineNode, float, int, string, tensor, type PortSpec, type WeightSpec } from '@modalflow/core';
import { BERT_INIT, predictionTransform, transformWeightSpecs } from '../lib/head-ops.ts';
import { ACTIVATIONS, ACTIVATION_FLOPS, linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const DECODERS = `^\\s*(${NAME}\\s*:\\s*[0-9]+\\s*(,\\s*${NAME}\\s*:\\s*[0-9]+\\s*)*)?$`;
// A port named like a member of Object.prototype would be found on every port map.
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

interface Decoder {
  name: string;
  width: number;
}

/**
 * The decoders a param set asks for. Empty `decoders` means one decoder `feat` of width
 * `features` with the output port `features` (the node's first form, kept for old graphs).
 */
function decodersOf(params: { decoders: string; features: number }): { list: Decoder[]; ports: string[] } {
  if (params.decoders.trim() === '') return { list: [{ name: 'feat', width: params.features }], ports: ['features'] };
  const list: Decoder[] = [];
  for (const part of params.decoders.split(',')) {
    const [rawName, rawWidth] = part.split(':');
    const name = rawName!.trim();
    const width = Number(rawWidth!.trim());
    if (!new RegExp(`^${NAME}$`).test(name) || RESERVED.has(name)) {
      throw new NodeError(`decoder name "${name}" must be an identifier (it names an output port)`, { param: 'decoders' });
    }
    if (!Number.isSafeInteger(width) || width < 1) throw new NodeError(`decoder "${name}" needs a width of at least 1`, { param: 'decoders' });
    if (list.some((d) => d.name === name)) throw new NodeError(`decoder "${name}" is listed twice`, { param: 'decoders' });
    list.push({ name, width });
  }
  return { list, ports: list.map((d) => d.name) };
}

const HIDDEN = tensor('float32', ['B', 'N', 'D'], { description: 'Region hidden states [B, N, D]' });
const TABLE = tensor('float32', ['D', 'F'], {
  optional: true,
  description: 'Feature embedding weight [D, F] (UNITER img_linear.weight) to tie the first decoder to: its output is h · table + b',
});

/**
 * Masked region prediction head (LXMERT `LxmertVisualObjHead`, UNITER `RegionFeatureRegression`):
 * one BERT prediction transform shared by one or more linear decoders,
 *   h = LN(gelu(x W_d^T + b_d)),   y_k = h W_k^T + b_k,  W_k [F_k, D]  for each decoder k.
 * LXMERT has three decoders on one transform (`decoder_dict`: obj 1600 detector classes,
 * attr 400 attributes, feat 2048 RoI features): `decoders` = "obj:1600,attr:400,feat:2048",
 * one output port per decoder. Empty `decoders` is one decoder `feat` of width `features` on
 * the port `features` (RoI-feature regression alone).
 * UNITER's MRFR ties its decoder to the image embedding: y = h img_linear.weight + b, only the
 * bias being its own. Connecting `table` (the [D, F] weight, from `encoder.region_embed`'s
 * `feature_weight`) ties the first decoder that way.
 * Weight names are LXMERT's (`transform.dense`, `transform.LayerNorm`, `decoder_dict.<name>`).
 */
export default defineNode({
  type: 'head.region_regression',
  version: 1,
  category: 'heads',
  title: 'Region prediction (masked objects)',
  doc:
    'Predicts, for every (masked) image region, what the detector saw there, from the model\'s hidden states: the "masked region modelling" pretraining tasks of LXMERT and UNITER. ' +
    'A dense layer, GELU and layer norm are shared by one or more linear decoders: by default one that regresses the detector features (F = 2048 for Faster R-CNN); LXMERT adds decoders for the detected object class (1,600) and attribute (400), written `obj:1600,attr:400,feat:2048`, each with its own output. ' +
    'Connect `table` to tie the first decoder to the region embedding\'s feature weight, as UNITER does. Pair the feature output with `loss.reconstruction` and class outputs with `loss.cross_entropy`.',
  formula: 'h = \\mathrm{LN}(\\mathrm{gelu}(W_d x + b_d)),\\quad \\hat y_k = W_k h + b_k \\;\\; (W_1 = \\text{table}^\\top \\text{ when tied})',
  source: 'Tan & Bansal 2019 (LXMERT), Hugging Face LxmertVisualObjHead; Chen et al. 2020 (UNITER) RegionFeatureRegression',
  inputs: { hidden: HIDDEN, table: TABLE },
  outputs: { features: tensor('float32', ['B', 'N', 'features'], { description: 'Predicted region features [B, N, F] (one port per decoder when `decoders` is set)' }) },
  params: {
    features: int({ default: 2048, min: 1, description: 'Feature width F to regress when `decoders` is empty (2048 for bottom-up attention features)' }),
    decoders: string({
      default: '',
      pattern: DECODERS,
      description: 'Decoders sharing the transform, "name:width, ..." (LXMERT: obj:1600,attr:400,feat:2048); each is an output port. Empty: one decoder of width `features` on port `features`',
    }),
    activation: choice(ACTIVATIONS, { default: 'gelu', description: 'Activation of the transform' }),
    eps: float({ default: 1e-12, min: 0, max: 1, description: 'LayerNorm epsilon (1e-12 in LXMERT and UNITER)' }),
  },
  ports: ({ params }) => {
    const { list, ports } = decodersOf(params);
    const outputs: Record<string, PortSpec> = {};
    list.forEach((d, k) => {
      outputs[ports[k]!] = tensor('float32', ['B', 'N', d.width], { description: `Decoder "${d.name}" [B, N, ${d.width}]` });
    });
    return { inputs: { hidden: HIDDEN, table: TABLE }, outputs };
  },
  infer: ({ inputs, params }) => {
    const [b, n] = inputs['hidden']!;
    const { list, ports } = decodersOf(params);
    const table = inputs['table'];
    const first = list[0]!;
    if (table && typeof table[1] === 'number' && table[1] !== first.width) {
      throw new NodeError(`"table" has ${table[1]} columns but the decoder it ties, "${first.name}", has width ${first.width}`, { port: 'table' });
    }
    return Object.fromEntries(list.map((d, k) => [ports[k]!, [b!, n!, d.width]]));
  },
  weights: ({ inputs, params, need }) => {
    const d = need(inputs['hidden']![2], 'the width of hidden');
    const out: Record<string, WeightSpec> = transformWeightSpecs('transform.', d);
    decodersOf(params).list.forEach((dec, k) => {
      if (!(k === 0 && inputs['table'])) out[`decoder_dict.${dec.name}.weight`] = { shape: [dec.width, d], init: BERT_INIT };
      out[`decoder_dict.${dec.name}.bias`] = { shape: [dec.width], init: { kind: 'zeros' } };
    });
    return out;
  },
  flops: ({ inputs, params, size }) => {
    const [b, n, d] = inputs['hidden']!.map(size) as [number, number, number];
    const widths = decodersOf(params).list.reduce((a, dec) => a + dec.width, 0);
    return b * n * (d * (2 * d + 1) + d * ACTIVATION_FLOPS[params.activation] + 8 * d + widths * (2 * d + 1));
  },
  lower: ({ g, x, w, params }) => {
    const h = predictionTransform(g, x['hidden']!, w, 'transform.', params.activation, params.eps);
    const { list, ports } = decodersOf(params);
    return Object.fromEntries(
      list.map((dec, k) => {
        const bias = w[`decoder_dict.${dec.name}.bias`]!;
        const y = k === 0 && x['table'] ? g.op('Add', [g.op('MatMul', [h, x['table']]), bias]) : linear(g, h, w[`decoder_dict.${dec.name}.weight`]!, bias);
        return [ports[k]!, y];
      }),
    );
  },
});
