import { ModalflowError, NodeError, defineNode, int, strings, tensor, type Tensor } from '@modalflow/core';

/**
 * The k best classes per row with their names (a host step): indices sorted by score,
 * descending; ties keep the lower class index first (a stable sort), NaN scores sort last.
 */
export default defineNode({
  type: 'output.topk_labels',
  version: 1,
  category: 'outputs',
  title: 'Top-k labels',
  views: { ranked: { scores: 'scores', labels: 'labels', indices: 'indices', from: 'scores' } },
  doc: 'Picks the k highest scores in each row and names them: for a VQA or image classifier it turns a row of class scores into "the 5 most likely answers", with their class indices, scores and labels. Labels come from the `labels` list (label i names class i); without labels, the class index is written as the label. Equal scores keep their class order.',
  formula: '(i_1, \\dots, i_k) = \\operatorname{argsort}_{\\downarrow}(s)_{1..k},\\quad \\ell_j = \\mathrm{labels}[i_j]',
  source: 'torch.topk(scores, k, sorted=True) followed by an id2label lookup (Hugging Face config.id2label)',
  inputs: { scores: tensor('float32', ['B', 'C'], { description: 'Class scores (logits or probabilities), float32 [B, C]' }) },
  outputs: {
    indices: tensor('int64', ['B', 'k'], { description: 'Class indices, best first, int64 [B, k]' }),
    scores: tensor('float32', ['B', 'k'], { description: 'Their scores, float32 [B, k]' }),
    labels: tensor('string', ['B', 'k'], { description: 'Their labels, string [B, k]' }),
  },
  params: {
    k: int({ default: 5, min: 1, description: 'How many classes to keep per row' }),
    labels: strings({ default: [], description: 'Name of each class, in class order (empty: use the class index)' }),
  },
  infer: ({ inputs, params }) => {
    const [b, c] = inputs['scores']! as [string | number, string | number];
    if (params.labels.length > 0 && typeof c === 'number' && c !== params.labels.length) {
      throw new NodeError(`input "scores" has ${c} classes but ${params.labels.length} labels are given; they must match`, { port: 'scores' });
    }
    if (typeof c === 'number' && params.k > c) {
      throw new NodeError(`k = ${params.k} is more than the ${c} classes of input "scores"`, { param: 'k' });
    }
    return { indices: [b, params.k], scores: [b, params.k], labels: [b, params.k] };
  },
  // The class count may be symbolic until a run (zero-shot scores over K prompts), so the checks
  // of infer() are repeated on the real sizes, with the same code as the other host steps.
  host: (inputs, { node, params }) => {
    const s = inputs['scores'];
    if (!s || s.dtype !== 'float32' || s.dims.length !== 2) {
      throw new ModalflowError('MF_HOST_INPUT', `input "scores" must be float32 [B, C], got ${s ? `${s.dtype} [${s.dims.join(', ')}]` : 'nothing'}`, { node, port: 'scores' });
    }
    const [rows, classes] = s.dims as [number, number];
    const { k, labels } = params;
    if (labels.length > 0 && labels.length !== classes) {
      throw new ModalflowError('MF_HOST_INPUT', `input "scores" has ${classes} classes but ${labels.length} labels are given`, { node, port: 'scores', param: 'labels' });
    }
    if (k > classes) throw new ModalflowError('MF_HOST_INPUT', `k = ${k} is more than the ${classes} classes of input "scores"`, { node, port: 'scores', param: 'k' });
    const data = s.data as Float32Array;
    const indices = new BigInt64Array(rows * k);
    const top = new Float32Array(rows * k);
    const names = new Array<string>(rows * k);
    const order = Array.from({ length: classes }, (_, c) => c);
    for (let r = 0; r < rows; r++) {
      const v = (c: number) => data[r * classes + c]!;
      // Array.prototype.sort is stable, so equal scores keep ascending class order.
      const sorted = order.slice().sort((a, b) => {
        const x = v(a);
        const y = v(b);
        if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
        return y - x;
      });
      for (let j = 0; j < k; j++) {
        const c = sorted[j]!;
        indices[r * k + j] = BigInt(c);
        top[r * k + j] = v(c);
        names[r * k + j] = labels.length > 0 ? labels[c]! : String(c);
      }
    }
    const dims = [rows, k];
    const out: Record<string, Tensor> = {
      indices: { dtype: 'int64', dims, data: indices },
      scores: { dtype: 'float32', dims: [...dims], data: top },
      labels: { dtype: 'string', dims: [...dims], data: names },
    };
    return out;
  },
});
