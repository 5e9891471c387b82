import { choice, defineNode, dimAdd, int, linearBound, tensor, type WeightSpec } from '@modalflow/core';
import { i, ints } from '@modalflow/onnx';
import type { OnnxGraph } from '../lib/lowering.ts';
import { logSumExp, reduceSum } from '../lib/loss-ops.ts';
import { linear } from '../lib/ops.ts';
import '../lib/lowering.ts';

/**
 * Backdoor adjustment over a confounder dictionary (Pearl; as used by VC R-CNN, Wang et al.
 * 2020, and deconfounded captioning / VQA, Yang et al. 2021):
 *   P(Y | do(X = x)) = Σ_k P(Y | x, z_k) P(z_k),   P(Y | x, z) = softmax(W [x ; z] + b)
 * over a dictionary Z [K, Dz] (`dictionary`) with prior P(z) (uniform, `prior` frequencies
 * normalised by their sum, or softmax of learned `prior` logits).
 *
 * mode `exact` evaluates the classifier for every one of the K confounders and takes the
 * prior-weighted sum of the K distributions: the adjustment itself, no approximation.
 * `logits` is then log P(Y | do(x)), computed as logsumexp_k(log P(z_k) + log_softmax(...))
 * so small probabilities keep their precision. mode `nwgm` uses the normalised weighted
 * geometric mean approximation of those papers, softmax(E_z[W [x ; z] + b]) =
 * softmax(W [x ; E_z z] + b), one classifier call on the expected confounder.
 * `representation` = [x ; E_z z] is the deconfounded feature in either mode.
 *
 * mode `attention` is VC R-CNN's own computation (Wangt-CN/VC-R-CNN,
 * vc_rcnn/modeling/roi_heads/box_head/roi_box_predictors.py, `CausalPredictor.z_dic`): the
 * dictionary is averaged with weights that depend on the input as well as on the prior,
 *   a_k = softmax_k((W_y x + b_y) · (W_z z_k + b_z) / sqrt(E)),   z(x) = Σ_k P(z_k) a_k z_k,
 * then the classifier reads [x ; z(x)] (`causal_score` there, `classifier` here). W_y [E, D]
 * and W_z [E, Dz] are that code's `Wy` and `Wz`.
 *
 * The dictionary and a `frequency` prior are buffers: VC R-CNN reads them with np.load into
 * plain tensors (`self.dic`, `self.prior`), so they are loaded with the weights but are not
 * trained and not counted as parameters. A `learned` prior is a parameter.
 */
export default defineNode({
  type: 'reasoning.causal_intervention',
  version: 1,
  category: 'reasoning',
  title: 'Causal intervention (backdoor)',
  views: { probabilities: { probs: {} } },
  doc:
    'Removes the bias a hidden confounder (for example, which objects usually appear together in the training images) puts on a prediction. It keeps a dictionary of K possible confounder values z with their prior probabilities, predicts the answer from the input together with each z, and averages those predictions weighted by P(z): the backdoor adjustment P(Y | do(X)) = Σ_z P(Y | X, z) P(z). The `nwgm` mode uses the common cheaper approximation that classifies the input once, with the average confounder; the `attention` mode is VC R-CNN\'s version of it, where the input also decides (by attention) how much each confounder contributes to that average. The dictionary and the frequency prior are fixed data loaded with the weights, not trained parameters.',
  formula: 'P(Y \\mid do(X{=}x)) = \\sum_{k=1}^{K} \\mathrm{softmax}\\big(W [x ; z_k] + b\\big)\\, P(z_k)',
  source: 'Pearl 2009 (backdoor adjustment); Wang et al. 2020, Visual Commonsense R-CNN (Wangt-CN/VC-R-CNN CausalPredictor); Yang et al. 2021, Deconfounded Image Captioning',
  inputs: { x: tensor('float32', ['B', 'D'], { description: 'Input features [B, D]' }) },
  outputs: {
    logits: tensor('float32', ['B', 'classes'], { description: 'exact: log P(Y | do(x)); nwgm, attention: the classifier scores' }),
    probs: tensor('float32', ['B', 'classes'], { description: 'P(Y | do(x))' }),
    representation: tensor('float32', ['B', 'R'], { description: 'Deconfounded feature [B, D + Dz]: [x ; E_z z], or [x ; z(x)] in attention mode' }),
  },
  params: {
    classes: int({ default: 10, min: 1, description: 'Number of outcomes Y' }),
    confounders: int({ default: 16, min: 1, description: 'Dictionary size K' }),
    confounder_dim: int({ default: 0, min: 0, description: 'Width Dz of a confounder (0 = input width D)' }),
    mode: choice(['exact', 'nwgm', 'attention'], {
      default: 'exact',
      description: 'exact sum over all K confounders, the NWGM approximation, or VC R-CNN\'s input-attended confounder (W_y, W_z)',
    }),
    embedding: int({ default: 0, min: 0, description: 'attention mode: width E of the W_y / W_z projections (0 = input width D)' }),
    prior: choice(['uniform', 'frequency', 'learned'], { default: 'uniform', description: 'P(z): uniform, `prior` counts normalised by their sum, or softmax of learned `prior` logits' }),
  },
  infer: ({ inputs, params }) => {
    const [b, d] = inputs['x']!;
    const dz = params.confounder_dim || d!;
    return {
      logits: [b!, params.classes],
      probs: [b!, params.classes],
      representation: [b!, dimAdd(d!, dz)],
    };
  },
  weights: ({ inputs, params, need }) => {
    const d = need(inputs['x']![1], 'the width of x');
    const dz = params.confounder_dim || d;
    const k = params.confounders;
    const out: Record<string, WeightSpec> = {
      // Unit variance, as nn.Embedding's N(0, 1); VC R-CNN loads per-class mean features here.
      dictionary: { shape: [k, dz], init: { kind: 'uniform', bound: Math.sqrt(3) }, buffer: true },
    };
    if (params.prior === 'frequency') out['prior'] = { shape: [k], init: { kind: 'ones' }, buffer: true };
    if (params.prior === 'learned') out['prior'] = { shape: [k], init: { kind: 'zeros' } };
    if (params.mode === 'attention') {
      const e = params.embedding || d;
      // VC R-CNN: normal_(std=0.02) weights, zero biases; uniform with the same variance here.
      const init = { kind: 'uniform', bound: 0.02 * Math.sqrt(3) } as const;
      out['Wy.weight'] = { shape: [e, d], init };
      out['Wy.bias'] = { shape: [e], init: { kind: 'zeros' } };
      out['Wz.weight'] = { shape: [e, dz], init };
      out['Wz.bias'] = { shape: [e], init: { kind: 'zeros' } };
    }
    out['classifier.weight'] = { shape: [params.classes, d + dz], init: { kind: 'uniform', bound: linearBound(d + dz) } };
    out['classifier.bias'] = { shape: [params.classes], init: { kind: 'uniform', bound: linearBound(d + dz) } };
    return out;
  },
  flops: ({ inputs, params, size }) => {
    const b = size(inputs['x']![0]!);
    const d = size(inputs['x']![1]!);
    const dz = params.confounder_dim || d;
    const k = params.confounders;
    const c = params.classes;
    const expectation = 2 * k * dz;
    if (params.mode === 'nwgm') return expectation + b * c * (2 * (d + dz) + 1 + 5);
    if (params.mode === 'attention') {
      const e = params.embedding || d;
      const attend = 2 * b * e * d + 2 * k * e * dz + 2 * b * k * e + 6 * b * k + 2 * b * k * dz;
      return attend + b * c * (2 * (d + dz) + 1 + 5);
    }
    return expectation + b * c * (2 * d + 1) + k * c * 2 * dz + b * k * c * 8;
  },
  lower: ({ g, x, w, params, inputs }) => {
    const d = inputs['x']![1] as number;
    const dz = params.confounder_dim || d;
    const z = w['dictionary']!;
    const logPrior = logPriorOf(g, w['prior'], params.prior, params.confounders); // [K]
    if (params.mode === 'attention') {
      const e = params.embedding || d;
      const query = linear(g, x['x']!, w['Wy.weight']!, w['Wy.bias']); // [B, E]
      const keys = linear(g, z, w['Wz.weight']!, w['Wz.bias']); // [K, E]
      const scores = g.op('Mul', [g.op('MatMul', [query, g.op('Transpose', [keys], { perm: ints([1, 0]) })]), g.scalarFloat(1 / Math.sqrt(e))]);
      const attention = g.op('Softmax', [scores], { axis: i(-1) }); // [B, K]
      // Σ_k P(z_k) a_k z_k: the prior and the attention multiply, without renormalising.
      const mixed = g.op('MatMul', [g.op('Mul', [attention, g.op('Exp', [logPrior])]), z]); // [B, Dz]
      const representation = g.op('Concat', [x['x']!, mixed], { axis: i(-1) });
      const logits = linear(g, representation, w['classifier.weight']!, w['classifier.bias']);
      return { logits, probs: g.op('Softmax', [logits], { axis: i(-1) }), representation };
    }
    // E_z z = Σ_k P(z_k) z_k  [1, Dz], then repeated for every example.
    const expected = g.op('MatMul', [g.op('Unsqueeze', [g.op('Exp', [logPrior]), g.constInt64([0])]), z]);
    const batchShape = g.op('Concat', [g.op('Shape', [x['x']!], { start: i(0), end: i(1) }), g.constInt64([dz])], { axis: i(0) });
    const representation = g.op('Concat', [x['x']!, g.op('Expand', [expected, batchShape])], { axis: i(-1) });
    const wc = w['classifier.weight']!;
    if (params.mode === 'nwgm') {
      const logits = linear(g, representation, wc, w['classifier.bias']);
      return { logits, probs: g.op('Softmax', [logits], { axis: i(-1) }), representation };
    }
    const cols = (from: number, to: number) => g.op('Slice', [wc, g.constInt64([from]), g.constInt64([to]), g.constInt64([1])]);
    // W [x ; z_k] + b = (W_x x + b) + W_z z_k: B + K products instead of B·K.
    const fromX = linear(g, x['x']!, cols(0, d), w['classifier.bias']); // [B, C]
    const fromZ = linear(g, z, cols(d, d + dz)); // [K, C]
    const scores = g.op('Add', [g.op('Unsqueeze', [fromX, g.constInt64([1])]), fromZ]); // [B, K, C]
    const logConditional = g.op('LogSoftmax', [scores], { axis: i(-1) });
    const joint = g.op('Add', [logConditional, g.op('Unsqueeze', [logPrior, g.constInt64([1])])]);
    const logits = logSumExp(g, joint, 1); // [B, C]
    return { logits, probs: g.op('Exp', [logits]), representation };
  },
});

/** log P(z) [K] for each prior kind. */
function logPriorOf(g: OnnxGraph, prior: string | undefined, kind: string, k: number): string {
  if (kind === 'learned') return g.op('LogSoftmax', [prior!], { axis: i(0) });
  if (kind === 'frequency') return g.op('Sub', [g.op('Log', [prior!]), g.op('Log', [reduceSum(g, prior!)])]);
  return g.constFloat(new Array<number>(k).fill(-Math.log(k)));
}
