import { describe, expect, it } from 'vitest';
import { act, f64, layerNormRef, linearRef, randomTensor, relError, runNode, softmaxRef } from '../testing/index.ts';
import { analyzeNode, randomWeights, shapeOnly } from '../testing/heads-reference.ts';
import classifier from './classifier.ts';

type Get = (name: string) => Float64Array;

/** The published layer layouts, written out in float64. */
function classifierRef(x: Float64Array, d: number, classes: number, h: number, variant: string, eps: number, get: Get): Float64Array {
  if (variant === 'linear') return linearRef(x, d, get('weight'), classes, get('bias'));
  let y = linearRef(x, d, get('0.weight'), h, get('0.bias'));
  const gelu = (v: Float64Array) => v.map((e) => act['gelu']!(e));
  if (variant === 'mlp') y = y.map((e) => act['relu']!(e));
  if (variant === 'gelu_ln') y = layerNormRef(gelu(y), h, get('2.weight'), get('2.bias'), eps);
  if (variant === 'ln_gelu') y = gelu(layerNormRef(y, h, get('1.weight'), get('1.bias'), eps));
  const last = variant === 'mlp' ? 2 : 3;
  return linearRef(y, h, get(`${last}.weight`), classes, get(`${last}.bias`));
}

describe('head.classifier', () => {
  for (const variant of ['linear', 'mlp', 'gelu_ln', 'ln_gelu'] as const) {
    for (const output of ['softmax', 'sigmoid'] as const) {
      it(`${variant} with ${output} matches a float64 reference`, async () => {
        const params = { classes: 5, variant, hidden: 7, output, eps: 1e-5 };
        const x = randomTensor([2, 3, 6], 21);
        const weights = randomWeights(classifier, { params, inputs: { x } }, 31);
        const { outputs } = await runNode(classifier, { params, inputs: { x }, weights });
        const get: Get = (n) => f64(weights[n]!);
        const logits = classifierRef(f64(x), 6, 5, 7, variant, 1e-5, get);
        const probs = output === 'softmax' ? softmaxRef(logits, 5) : logits.map((v) => 1 / (1 + Math.exp(-v)));
        expect(outputs['logits']!.dims).toEqual([2, 3, 5]);
        expect(relError(f64(outputs['logits']!), logits)).toBeLessThanOrEqual(1e-5);
        expect(relError(f64(outputs['probs']!), probs)).toBeLessThanOrEqual(1e-5);
      });
    }
  }

  it('names its weights as the published nn.Sequential heads', () => {
    const names = (variant: string) => Object.keys(analyzeNode(classifier, { x: shapeOnly([1, 4]) }, { variant, hidden: 8 }).info.weights);
    expect(names('linear')).toEqual(['weight', 'bias']);
    expect(names('mlp')).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(names('gelu_ln')).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '3.weight', '3.bias']);
    expect(names('ln_gelu')).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias']);
  });

  it('counts the parameters of the ViLT and LXMERT VQA heads', () => {
    // Linear(768, 1536) + LayerNorm(1536) + Linear(1536, 3129)
    const expected = 768 * 1536 + 1536 + 2 * 1536 + 1536 * 3129 + 3129;
    const vilt = analyzeNode(classifier, { x: shapeOnly([1, 768]) }, { variant: 'ln_gelu', classes: 3129 });
    const lxmert = analyzeNode(classifier, { x: shapeOnly([1, 768]) }, { variant: 'gelu_ln', classes: 3129 });
    expect(vilt.info.paramCount).toBe(expected);
    expect(lxmert.info.paramCount).toBe(expected);
  });

  it('rejects a scalar input, naming the port', () => {
    const { problems } = analyzeNode(classifier, { x: shapeOnly([]) });
    expect(problems[0]?.code).toBe('MF_SHAPE_INFER');
    expect(problems[0]?.at.port).toBe('x');
    expect(problems[0]?.message).toMatch(/axis/);
  });
});
