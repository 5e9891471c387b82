import { ModalflowError, defineNode, int, tensor, type Dim, type Tensor } from '@modalflow/core';

/** Indices of one row, best first; ties keep the lower class index first, NaN sorts last. */
export function rankRow(scores: Float32Array, offset: number, classes: number): number[] {
  const v = (c: number) => scores[offset + c]!;
  // Array.prototype.sort is stable, so equal scores keep ascending class order.
  return Array.from({ length: classes }, (_, c) => c).sort((a, b) => {
    const x = v(a);
    const y = v(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
    return y - x;
  });
}

const fail = (node: string, port: string, message: string) => new ModalflowError('MF_HOST_INPUT', message, { node, port });

/**
 * The k best classes per row, named from a string tensor that arrives with the data (the
 * labels a user typed for zero-shot classification) rather than from a fixed list:
 * indices sorted by score, descending, as output.topk_labels; k = 0 or k > C keeps all C.
 * `ranking` writes each as "label: score" so a person reads the result at a glance.
 */
export default defineNode({
  type: 'output.topk_named',
  version: 1,
  category: 'outputs',
  title: 'Top-k labels (names from an input)',
  views: { ranked: { scores: 'scores', labels: 'labels', indices: 'indices', from: 'scores' } },
  doc: 'Picks the highest scores in each row and names them with the labels connected to `names` (label i names class i), for classes chosen when the graph runs, such as the labels of zero-shot classification. `ranking` gives "label: score" per class, best first. With `k` 0, or larger than the number of classes, every class is kept. Equal scores keep their class order.',
  formula: '(i_1, \\dots, i_k) = \\operatorname{argsort}_{\\downarrow}(s)_{1..k},\\quad \\ell_j = \\mathrm{names}[i_j]',
  source: 'torch.topk(scores, k, sorted=True) with the candidate labels, as Hugging Face ZeroShotImageClassificationPipeline returns them',
  inputs: {
    scores: tensor('float32', ['B', 'C'], { description: 'Class scores (logits or probabilities), float32 [B, C]' }),
    names: tensor('string', ['C'], { description: 'Name of each class, in class order, string [C]' }),
  },
  outputs: {
    indices: tensor('int64', ['B', 'k'], { description: 'Class indices, best first, int64 [B, k]' }),
    scores: tensor('float32', ['B', 'k'], { description: 'Their scores, float32 [B, k]' }),
    labels: tensor('string', ['B', 'k'], { description: 'Their names, string [B, k]' }),
    ranking: tensor('string', ['B', 'k'], { description: '"name: score" (4 decimals), best first, string [B, k]' }),
  },
  params: {
    k: int({ default: 0, min: 0, description: 'How many classes to keep per row (0 = all, best first)' }),
  },
  infer: ({ node, inputs, params }) => {
    const [b, c] = inputs['scores']! as [Dim, Dim];
    let k: Dim;
    if (params.k === 0) k = c;
    else if (typeof c === 'number') k = Math.min(params.k, c);
    // With fewer classes than k at run time, all of them are kept.
    else k = `k_${node}`;
    return { indices: [b, k], scores: [b, k], labels: [b, k], ranking: [b, k] };
  },
  host: (inputs, { node, params }) => {
    const s = inputs['scores'];
    const names = inputs['names'];
    if (!s || s.dtype !== 'float32' || s.dims.length !== 2) {
      throw fail(node, 'scores', `input "scores" must be float32 [B, C], got ${s ? `${s.dtype} [${s.dims.join(', ')}]` : 'nothing'}`);
    }
    const [rows, classes] = s.dims as [number, number];
    if (!names || names.dtype !== 'string' || names.dims.length !== 1) {
      throw fail(node, 'names', `input "names" must be a string tensor [C], got ${names ? `${names.dtype} [${names.dims.join(', ')}]` : 'nothing'}`);
    }
    if (names.dims[0] !== classes) {
      throw fail(node, 'names', `input "scores" has ${classes} classes but ${names.dims[0]} names arrived; they must match`);
    }
    const k = params.k === 0 ? classes : Math.min(params.k, classes);
    const label = names.data as string[];
    const data = s.data as Float32Array;
    const indices = new BigInt64Array(rows * k);
    const top = new Float32Array(rows * k);
    const picked = new Array<string>(rows * k);
    const ranking = new Array<string>(rows * k);
    for (let r = 0; r < rows; r++) {
      const order = rankRow(data, r * classes, classes);
      for (let j = 0; j < k; j++) {
        const c = order[j]!;
        const o = r * k + j;
        indices[o] = BigInt(c);
        top[o] = data[r * classes + c]!;
        picked[o] = label[c]!;
        ranking[o] = `${label[c]!}: ${top[o]!.toFixed(4)}`;
      }
    }
    const dims = [rows, k];
    const out: Record<string, Tensor> = {
      indices: { dtype: 'int64', dims, data: indices },
      scores: { dtype: 'float32', dims: [...dims], data: top },
      labels: { dtype: 'string', dims: [...dims], data: picked },
      ranking: { dtype: 'string', dims: [...dims], data: ranking },
    };
    return out;
  },
});
