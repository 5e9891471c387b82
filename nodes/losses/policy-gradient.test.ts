import { describe, expect, it } from 'vitest';
import { f64, randomTensor, relError, runNode } from '../testing/index.ts';
import { int64, logSoftmaxRef } from '../testing/heads-reference.ts';
import policyGradient from './policy-gradient.ts';

const ints = (t: { data: unknown }) => Array.from(t.data as BigInt64Array, Number);

/** The surrogate loss and mean reward for given samples, in float64. */
function reinforceRef(z: Float64Array, b: number, c: number, y: number[], a: number[], baseline: boolean, right = 1, wrong = 0) {
  const lp = logSoftmaxRef(z, c);
  const r = a.map((ai, n) => (ai === y[n] ? right : wrong));
  const mean = r.reduce((s, v) => s + v, 0) / b;
  let loss = 0;
  for (let n = 0; n < b; n++) loss -= ((r[n]! - (baseline ? mean : 0)) * lp[n * c + a[n]!]!) / b;
  return { loss, reward: mean };
}

describe('loss.policy_gradient', () => {
  const z = randomTensor([6, 5], 3, 2);
  const y = [0, 1, 2, 3, 4, 0];

  it('is -(1/B) Σ (R - mean R) log p[sampled], with R = 1 for the true answer', async () => {
    const { outputs } = await runNode(policyGradient, { inputs: { logits: z, targets: int64([6], y) }, params: { seed: 4 } });
    const a = ints(outputs['sampled']!);
    expect(a.every((v) => v >= 0 && v < 5)).toBe(true);
    const ref = reinforceRef(f64(z), 6, 5, y, a, true);
    expect(relError(f64(outputs['reward']!), [ref.reward])).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(f64(outputs['loss']!)[0]! - ref.loss)).toBeLessThanOrEqual(1e-5);
  });

  it('without a baseline and with other rewards, weighs each log-probability by its raw reward', async () => {
    const params = { seed: 9, baseline: 'none', reward_right: 2, reward_wrong: -0.5 };
    const { outputs } = await runNode(policyGradient, { inputs: { logits: z, targets: int64([6], y) }, params });
    const a = ints(outputs['sampled']!);
    const ref = reinforceRef(f64(z), 6, 5, y, a, false, 2, -0.5);
    expect(Math.abs(f64(outputs['loss']!)[0]! - ref.loss)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(f64(outputs['reward']!)[0]! - ref.reward)).toBeLessThanOrEqual(1e-6);
  });

  it('samples each answer about as often as softmax gives it', async () => {
    const rows = 2000;
    const logits = [1.5, 0.5, 0, -1];
    const p = logits.map(Math.exp);
    const sum = p.reduce((s, v) => s + v, 0);
    const z2 = { dtype: 'float32' as const, dims: [rows, 4], data: Float32Array.from({ length: rows * 4 }, (_, k) => logits[k % 4]!) };
    // Salt varies per row as a question's ids would.
    const salt = int64([rows, 3], Array.from({ length: rows * 3 }, (_, k) => (k * 7919) % 41));
    const { outputs } = await runNode(policyGradient, { inputs: { logits: z2, targets: int64([rows], new Array(rows).fill(0)), salt }, params: { seed: 1 } });
    const counts = [0, 0, 0, 0];
    for (const a of ints(outputs['sampled']!)) counts[a]!++;
    counts.forEach((n, k) => expect(Math.abs(n / rows - p[k]! / sum), `answer ${k}`).toBeLessThan(0.035));
  });

  it('is reproducible from its seed, and another seed or salt draws other answers', async () => {
    const rows = 64;
    const flat = { dtype: 'float32' as const, dims: [rows, 5], data: new Float32Array(rows * 5) };
    const targets = int64([rows], new Array(rows).fill(2));
    const run = async (seed: number, salt?: number) =>
      ints((await runNode(policyGradient, { inputs: { logits: flat, targets, ...(salt !== undefined ? { salt: int64([rows, 1], new Array(rows).fill(salt)) } : {}) }, params: { seed } })).outputs['sampled']!);
    const first = await run(3);
    expect(await run(3)).toEqual(first);
    expect(await run(4)).not.toEqual(first);
    expect(await run(3, 17)).not.toEqual(first);
    // Uniform logits: every answer gets drawn somewhere in 64 rows.
    expect(new Set(first).size).toBe(5);
  });

  it('refuses logits that are not [B, C] and targets of another batch size', async () => {
    await expect(runNode(policyGradient, { inputs: { logits: randomTensor([2, 3, 4]), targets: int64([2], [0, 1]) } })).rejects.toThrow(/\[B, C\]/);
    await expect(runNode(policyGradient, { inputs: { logits: randomTensor([3, 4]), targets: int64([2], [0, 1]) } })).rejects.toThrow(/targets/);
  });
});
