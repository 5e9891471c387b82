import { NodeError, choice, defineNode, float, int, tensor } from '@modalflow/core';
import { i, t } from '@modalflow/onnx';
import { checkLeading, reduceMean, reduceSum } from '../lib/loss-ops.ts';
import type { OnnxGraph } from '../lib/lowering.ts';
import '../lib/lowering.ts';

const INT_DTYPES = ['int64', 'int32'] as const;

/**
 * Uniform numbers in (0, 1), one per (row, class), from a hash of the seed, the row's position,
 * the class, the row's target and the row's salt: never from the logits, so the weights
 * cannot move the noise (a finite-difference check stays smooth) and a run reproduces exactly
 * from its seed. The batch order changes each epoch, so a row meets different noise each time.
 */
function hashUniform(g: OnnxGraph, logits: string, targets: string, salt: string | undefined, seed: number): string {
  const ones = g.op('ConstantOfShape', [g.op('Shape', [logits])], { value: t({ dtype: 'float32', dims: [1], data: Float32Array.of(1) }) });
  const cls = g.op('CumSum', [ones, g.scalarInt64(1)]);
  const row = g.op('CumSum', [ones, g.scalarInt64(0)]);
  const target = g.op('Unsqueeze', [g.op('Cast', [targets], { to: i(1) }), g.constInt64([1])]);
  let arg = g.op('Add', [g.op('Mul', [cls, g.scalarFloat(78.233)]), g.op('Mul', [row, g.scalarFloat(12.9898)])]);
  arg = g.op('Add', [arg, g.op('Mul', [target, g.scalarFloat(3.7179)])]);
  if (salt) {
    // Σ_t (t + 1) s_t: a different number for each sequence of ids, as long as rows are short.
    const flat = g.op('Cast', [g.op('Reshape', [salt, g.constInt64([0, -1])])], { to: i(1) });
    const pos = g.op('CumSum', [g.op('ConstantOfShape', [g.op('Shape', [flat])], { value: t({ dtype: 'float32', dims: [1], data: Float32Array.of(1) }) }), g.scalarInt64(1)]);
    const code = reduceSum(g, g.op('Mul', [flat, pos]), [1], true);
    arg = g.op('Add', [arg, g.op('Mul', [code, g.scalarFloat(0.1031)])]);
  }
  arg = g.op('Add', [arg, g.scalarFloat((seed % 10007) * 0.5743)]);
  const h = g.op('Mul', [g.op('Sin', [arg]), g.scalarFloat(43758.5453)]);
  const frac = g.op('Sub', [h, g.op('Floor', [h])]);
  return g.op('Clip', [frac, g.scalarFloat(1e-6), g.scalarFloat(1 - 1e-6)]);
}

/**
 * REINFORCE (Williams 1992) for a classifier that must act: an answer a_n is sampled from
 * p_n = softmax(z_n) (Gumbel-max with seeded hash noise), the environment rewards it, R_n =
 * r_right if a_n is the true answer y_n else r_wrong, and the loss is the policy-gradient
 * surrogate
 *   L = -(1/B) Σ_n (R_n - b) log p_{n, a_n}
 * whose gradient is -(1/B) Σ_n (R_n - b) ∇ log p_{n, a_n}, an unbiased estimate of -∇ E[R].
 * The baseline b (the batch's mean reward, or 0) lowers the estimate's variance without
 * biasing it. With `entropy` = β > 0 the loss also has -β mean_n H(p_n), the entropy bonus of
 * A3C (Mnih et al. 2016), so the policy keeps trying answers it has not yet been rewarded for. The true answer is only used to compute the reward: the model never sees which
 * answer would have been right, only how its own answer scored.
 */
export default defineNode({
  type: 'loss.policy_gradient',
  version: 1,
  category: 'losses',
  title: 'Policy gradient (REINFORCE)',
  doc:
    'Learning from a reward instead of a label: each example\'s answer is sampled from the model\'s softmax, the answer is rewarded (reward_right when it is the true one, reward_wrong otherwise) and the loss pushes up the log-probability of answers that scored above the baseline and down those below it. ' +
    'Sampling is seeded: the noise is a hash of `seed`, the row, the class, the true answer and `salt` (wire the question\'s token ids there so that different questions draw different noise); the same run gives the same samples on every machine. ' +
    '`reward` is the batch\'s mean reward, the number to watch; `sampled` holds the sampled answers.',
  formula: '\\mathcal{L} = -\\frac{1}{B}\\sum_n (R_n - b)\\,\\log p_{n,a_n} - \\beta\\,\\overline{H(p_n)},\\quad a_n \\sim \\mathrm{softmax}(z_n),\\; R_n = r(a_n, y_n),\\; b = \\tfrac{1}{B}\\textstyle\\sum_n R_n',
  source: 'Williams 1992, Simple statistical gradient-following algorithms for connectionist reinforcement learning; Gumbel-max sampling (Gumbel 1954, Maddison et al. 2014)',
  inputs: {
    logits: tensor('float32', null, { description: 'Scores of the actions (answers) [B, C]' }),
    targets: tensor([...INT_DTYPES], null, { description: 'The true answer [B]: the environment rewards a sample equal to it' }),
    salt: tensor([...INT_DTYPES], null, { optional: true, description: 'Integers [B, ...] mixed into the sampling noise, e.g. the question\'s token ids' }),
  },
  outputs: {
    loss: tensor('float32', [], { description: 'Policy-gradient surrogate, mean over the batch' }),
    reward: tensor('float32', [], { description: 'Mean reward of the sampled answers' }),
    sampled: tensor('int64', null, { description: 'Sampled answer per example [B]' }),
  },
  params: {
    seed: int({ default: 0, min: 0, max: 1_000_000, description: 'Seeds the sampling noise' }),
    baseline: choice(['batch_mean', 'none'], { default: 'batch_mean', description: 'Subtracted from each reward: the batch\'s mean reward (lower variance) or nothing' }),
    reward_right: float({ default: 1, description: 'Reward of a sampled answer equal to the true one' }),
    reward_wrong: float({ default: 0, description: 'Reward of any other answer' }),
    entropy: float({ default: 0, min: 0, max: 10, description: 'β: weight of the entropy bonus that keeps the policy exploring (0 = plain REINFORCE)' }),
  },
  infer: ({ inputs }) => {
    const z = inputs['logits']!;
    const y = inputs['targets']!;
    if (z.length !== 2) throw new NodeError(`"logits" must be [B, C], got rank ${z.length}`, { port: 'logits' });
    if (y.length !== 1) throw new NodeError(`"targets" must be [B], got rank ${y.length}`, { port: 'targets' });
    checkLeading(z, y, 'logits', 'targets', 1);
    const salt = inputs['salt'];
    if (salt) {
      if (salt.length < 1) throw new NodeError('"salt" must have a batch axis [B, ...]', { port: 'salt' });
      checkLeading(z, salt, 'logits', 'salt', 1);
    }
    return { loss: [], reward: [], sampled: [z[0]!] };
  },
  flops: ({ inputs, size }) => {
    const z = inputs['logits']!;
    return 24 * size(z[0]!) * size(z[1]!);
  },
  lower: ({ g, x, params }) => {
    const z = x['logits']!;
    const u = hashUniform(g, z, x['targets']!, x['salt'], params.seed);
    const gumbel = g.op('Neg', [g.op('Log', [g.op('Neg', [g.op('Log', [u])])])]);
    const sampled = g.op('ArgMax', [g.op('Add', [z, gumbel])], { axis: i(-1), keepdims: i(0) });
    const logp = g.op('LogSoftmax', [z], { axis: i(-1) });
    const picked = g.op('Squeeze', [g.op('GatherElements', [logp, g.op('Unsqueeze', [sampled, g.constInt64([-1])])], { axis: i(-1) }), g.constInt64([-1])]);
    const right = g.op('Equal', [sampled, g.op('Cast', [x['targets']!], { to: i(7) })]);
    const rewards = g.op('Where', [right, g.scalarFloat(params.reward_right), g.scalarFloat(params.reward_wrong)]);
    const reward = reduceMean(g, rewards);
    const advantage = params.baseline === 'batch_mean' ? g.op('Sub', [rewards, reward]) : rewards;
    let loss = g.op('Neg', [reduceMean(g, g.op('Mul', [advantage, picked]))]);
    if (params.entropy > 0) {
      // -β H(p): without it a policy that stops sampling the right answer stops hearing about it.
      const negEntropy = reduceMean(g, reduceSum(g, g.op('Mul', [g.op('Exp', [logp]), logp]), [-1]));
      loss = g.op('Add', [loss, g.op('Mul', [negEntropy, g.scalarFloat(params.entropy)])]);
    }
    return { loss, reward, sampled };
  },
});
