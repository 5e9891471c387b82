import type { Tensor } from '@modalflow/core';
import type { TrainSetup } from '@modalflow/compiler';

function argmaxRows(rows: number, cols: number, at: (r: number, c: number) => number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (at(r, c) > at(r, best)) best = c;
    out.push(best);
  }
  return out;
}

/**
 * Whether row r's own score is the best one, counting ties as hits: two identical captions
 * in a batch get identical scores, and picking either is right.
 */
function diagonalHits(n: number, at: (r: number, c: number) => number): number {
  let hits = 0;
  for (let r = 0; r < n; r++) {
    let best = -Infinity;
    for (let c = 0; c < n; c++) best = Math.max(best, at(r, c));
    if (at(r, r) >= best) hits++;
  }
  return hits;
}

/** Losses over class scores with true classes in `targets`, and the port that holds the scores. */
const CLASS_SCORES: Readonly<Record<string, string>> = {
  'loss.cross_entropy': 'logits',
  'loss.distillation': 'student',
  'loss.policy_gradient': 'logits',
};

/**
 * Accuracy next to each loss, from the tensors the loss reads: class accuracy for
 * cross-entropy, image-to-text and text-to-image retrieval accuracy for contrastive losses.
 */
export function objectiveAccuracy(setup: TrainSetup, values: (tensor: string) => Tensor | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  const source = (node: string, port: string) => {
    const e = setup.analysis.incoming.get(`${node}.${port}`);
    return e ? values(`${e.from[0]}.${e.from[1]}`) : undefined;
  };
  for (const o of setup.objectives) {
    const info = setup.analysis.nodes.get(o.node)!;
    const type = info.def.type;
    const logits = source(o.node, CLASS_SCORES[type] ?? 'logits');
    if (!logits || logits.dtype !== 'float32') continue;
    const data = logits.data as Float32Array;
    if (type in CLASS_SCORES) {
      const targets = source(o.node, 'targets');
      if (!targets) continue;
      const c = logits.dims.at(-1)!;
      const rows = data.length / c;
      const ignore = Number(info.params['ignore_index'] ?? -100);
      const predicted = argmaxRows(rows, c, (r, k) => data[r * c + k]!);
      let hits = 0;
      let counted = 0;
      for (let r = 0; r < rows; r++) {
        const t = Number((targets.data as ArrayLike<number | bigint>)[r]!);
        if (t === ignore) continue;
        counted++;
        if (predicted[r] === t) hits++;
      }
      if (counted) out[`${o.node}.accuracy`] = hits / counted;
    } else if (type === 'loss.contrastive' && logits.dims.length === 2 && logits.dims[0] === logits.dims[1]) {
      const n = logits.dims[0]!;
      out[`${o.node}.image_to_text`] = diagonalHits(n, (r, c) => data[r * n + c]!) / n;
      out[`${o.node}.text_to_image`] = diagonalHits(n, (r, c) => data[c * n + r]!) / n;
    }
  }
  return out;
}
